/**
 * ComfyUI server simulator: a protocol-faithful stand-in for ComfyUI 0.3.64
 * (see docs/comfyui-protocol.md) with fault injection, for tests, demos and benchmarks.
 */

export { startSim, DEFAULT_DURATIONS } from './sim-server';
export type { SimOptions, SimServer, ExecutionRecord, Fault, FaultKind, WorkSite } from './sim-server';
export { startFleet } from './fleet';
export type { FleetOptions } from './fleet';
export { startAdmin } from './admin';
export type { AdminServer } from './admin';
export { faultSchema, FAULT_KINDS } from './faults';
export { nodeCatalogue, objectInfoEntry, NODE_CATALOGUE, DEFAULT_MODELS, KSAMPLER_SAMPLERS, KSAMPLER_SCHEDULERS, MAX_RESOLUTION } from './nodes';
export type { NodeDef, InputSpec } from './nodes';
export { txt2imgWorkflow, modelFreeWorkflow } from './workflows';
export type { ApiNode, ApiWorkflow, Txt2ImgOptions, ModelFreeOptions, ImageOutputNode } from './workflows';
export { decodePng, isPng } from './png';
