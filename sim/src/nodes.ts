import { dict, type Dict } from './py-json';

/**
 * The node classes the simulator offers, described the way ComfyUI 0.3.64 describes them
 * (`INPUT_TYPES`, `RETURN_TYPES`, `OUTPUT_NODE`, ...). Validation, `/object_info` and the
 * executor all read this one table. What each node computes lives in `node-work.ts`.
 */

export const MAX_RESOLUTION = 16384;

/** `(type,)` or `(type, {options})`; a list type is a combo. */
export type InputSpec = readonly [type: string | readonly string[], options?: Dict];

export interface NodeDef {
  name: string;
  displayName: string;
  description: string;
  category: string;
  pythonModule: string;
  required: Record<string, InputSpec>;
  optional?: Record<string, InputSpec>;
  hidden?: Record<string, string>;
  returnTypes: readonly string[];
  returnNames?: readonly string[];
  outputTooltips?: readonly string[];
  outputNode: boolean;
  /** `IS_CHANGED` returning `time.time()`: the node never hits the cache. */
  alwaysChanged?: boolean;
}

export const KSAMPLER_SAMPLERS = [
  'euler', 'euler_cfg_pp', 'euler_ancestral', 'euler_ancestral_cfg_pp', 'heun', 'heunpp2', 'dpm_2', 'dpm_2_ancestral',
  'lms', 'dpm_fast', 'dpm_adaptive', 'dpmpp_2s_ancestral', 'dpmpp_2s_ancestral_cfg_pp', 'dpmpp_sde', 'dpmpp_sde_gpu',
  'dpmpp_2m', 'dpmpp_2m_cfg_pp', 'dpmpp_2m_sde', 'dpmpp_2m_sde_gpu', 'dpmpp_2m_sde_heun', 'dpmpp_2m_sde_heun_gpu',
  'dpmpp_3m_sde', 'dpmpp_3m_sde_gpu', 'ddpm', 'lcm', 'ipndm', 'ipndm_v', 'deis', 'res_multistep', 'res_multistep_cfg_pp',
  'res_multistep_ancestral', 'res_multistep_ancestral_cfg_pp', 'gradient_estimation', 'gradient_estimation_cfg_pp',
  'er_sde', 'seeds_2', 'seeds_3', 'sa_solver', 'sa_solver_pece', 'ddim', 'uni_pc', 'uni_pc_bh2',
] as const;

export const KSAMPLER_SCHEDULERS = [
  'simple', 'sgm_uniform', 'karras', 'exponential', 'ddim_uniform', 'beta', 'normal', 'linear_quadratic', 'kl_optimal',
] as const;

/** Checkpoints a server offers unless told otherwise. */
export const DEFAULT_MODELS: readonly string[] = ['sd15.safetensors', 'sdxl.safetensors'];

const SAVE_HIDDEN = { prompt: 'PROMPT', extra_pnginfo: 'EXTRA_PNGINFO' };

/** The catalogue for a server offering `models` as checkpoints. */
export function nodeCatalogue(models: readonly string[]): Record<string, NodeDef> {
  const defs: NodeDef[] = [
    {
      name: 'CheckpointLoaderSimple',
      displayName: 'Load Checkpoint',
      description: 'Loads a diffusion model checkpoint, diffusion models are used to denoise latents.',
      category: 'loaders',
      pythonModule: 'nodes',
      required: { ckpt_name: [[...models], { tooltip: 'The name of the checkpoint (model) to load.' }] },
      returnTypes: ['MODEL', 'CLIP', 'VAE'],
      outputTooltips: [
        'The model used for denoising latents.',
        'The CLIP model used for encoding text prompts.',
        'The VAE model used for encoding and decoding images to and from latent space.',
      ],
      outputNode: false,
    },
    {
      name: 'CLIPTextEncode',
      displayName: 'CLIP Text Encode (Prompt)',
      description:
        'Encodes a text prompt using a CLIP model into an embedding that can be used to guide the diffusion model towards generating specific images.',
      category: 'conditioning',
      pythonModule: 'nodes',
      required: {
        text: ['STRING', { multiline: true, dynamicPrompts: true, tooltip: 'The text to be encoded.' }],
        clip: ['CLIP', { tooltip: 'The CLIP model used for encoding the text.' }],
      },
      returnTypes: ['CONDITIONING'],
      outputTooltips: ['A conditioning containing the embedded text used to guide the diffusion model.'],
      outputNode: false,
    },
    {
      name: 'EmptyLatentImage',
      displayName: 'Empty Latent Image',
      description: 'Create a new batch of empty latent images to be denoised via sampling.',
      category: 'latent',
      pythonModule: 'nodes',
      required: {
        width: ['INT', { default: 512, min: 16, max: MAX_RESOLUTION, step: 8, tooltip: 'The width of the latent images in pixels.' }],
        height: ['INT', { default: 512, min: 16, max: MAX_RESOLUTION, step: 8, tooltip: 'The height of the latent images in pixels.' }],
        batch_size: ['INT', { default: 1, min: 1, max: 4096, tooltip: 'The number of latent images in the batch.' }],
      },
      returnTypes: ['LATENT'],
      outputTooltips: ['The empty latent image batch.'],
      outputNode: false,
    },
    {
      name: 'KSampler',
      displayName: 'KSampler',
      description: 'Uses the provided model, positive and negative conditioning to denoise the latent image.',
      category: 'sampling',
      pythonModule: 'nodes',
      required: {
        model: ['MODEL', { tooltip: 'The model used for denoising the input latent.' }],
        seed: [
          'INT',
          { default: 0, min: 0, max: 0xffffffffffffffffn, control_after_generate: true, tooltip: 'The random seed used for creating the noise.' },
        ],
        steps: ['INT', { default: 20, min: 1, max: 10000, tooltip: 'The number of steps used in the denoising process.' }],
        cfg: [
          'FLOAT',
          {
            default: 8.0,
            min: 0.0,
            max: 100.0,
            step: 0.1,
            round: 0.01,
            tooltip:
              'The Classifier-Free Guidance scale balances creativity and adherence to the prompt. Higher values result in images more closely matching the prompt however too high values will negatively impact quality.',
          },
        ],
        sampler_name: [
          KSAMPLER_SAMPLERS,
          { tooltip: 'The algorithm used when sampling, this can affect the quality, speed, and style of the generated output.' },
        ],
        scheduler: [KSAMPLER_SCHEDULERS, { tooltip: 'The scheduler controls how noise is gradually removed to form the image.' }],
        positive: ['CONDITIONING', { tooltip: 'The conditioning describing the attributes you want to include in the image.' }],
        negative: ['CONDITIONING', { tooltip: 'The conditioning describing the attributes you want to exclude from the image.' }],
        latent_image: ['LATENT', { tooltip: 'The latent image to denoise.' }],
        denoise: [
          'FLOAT',
          {
            default: 1.0,
            min: 0.0,
            max: 1.0,
            step: 0.01,
            tooltip:
              'The amount of denoising applied, lower values will maintain the structure of the initial image allowing for image to image sampling.',
          },
        ],
      },
      returnTypes: ['LATENT'],
      outputTooltips: ['The denoised latent.'],
      outputNode: false,
    },
    {
      name: 'VAEDecode',
      displayName: 'VAE Decode',
      description: 'Decodes latent images back into pixel space images.',
      category: 'latent',
      pythonModule: 'nodes',
      required: {
        samples: ['LATENT', { tooltip: 'The latent to be decoded.' }],
        vae: ['VAE', { tooltip: 'The VAE model used for decoding the latent.' }],
      },
      returnTypes: ['IMAGE'],
      outputTooltips: ['The decoded image.'],
      outputNode: false,
    },
    {
      name: 'SaveImage',
      displayName: 'Save Image',
      description: 'Saves the input images to your ComfyUI output directory.',
      category: 'image',
      pythonModule: 'nodes',
      required: {
        images: ['IMAGE', { tooltip: 'The images to save.' }],
        filename_prefix: [
          'STRING',
          {
            default: 'ComfyUI',
            tooltip:
              'The prefix for the file to save. This may include formatting information such as %date:yyyy-MM-dd% or %Empty Latent Image.width% to include values from nodes.',
          },
        ],
      },
      hidden: SAVE_HIDDEN,
      returnTypes: [],
      outputNode: true,
    },
    {
      name: 'PreviewImage',
      displayName: 'Preview Image',
      description: 'Saves the input images to your ComfyUI output directory.',
      category: 'image',
      pythonModule: 'nodes',
      required: { images: ['IMAGE'] },
      hidden: SAVE_HIDDEN,
      returnTypes: [],
      outputNode: true,
    },
    {
      name: 'SaveImageWebsocket',
      displayName: 'SaveImageWebsocket',
      description: '',
      category: 'api node/image/Save',
      pythonModule: 'custom_nodes.websocket_image_save',
      required: { images: ['IMAGE'] },
      returnTypes: [],
      outputNode: true,
      alwaysChanged: true,
    },
    {
      name: 'EmptyImage',
      displayName: 'EmptyImage',
      description: '',
      category: 'image',
      pythonModule: 'nodes',
      required: {
        width: ['INT', { default: 512, min: 1, max: MAX_RESOLUTION, step: 1 }],
        height: ['INT', { default: 512, min: 1, max: MAX_RESOLUTION, step: 1 }],
        batch_size: ['INT', { default: 1, min: 1, max: 4096 }],
        color: ['INT', { default: 0, min: 0, max: 0xffffff, step: 1, display: 'color' }],
      },
      returnTypes: ['IMAGE'],
      outputNode: false,
    },
    {
      name: 'ImageInvert',
      displayName: 'Invert Image',
      description: '',
      category: 'image',
      pythonModule: 'nodes',
      required: { image: ['IMAGE'] },
      returnTypes: ['IMAGE'],
      outputNode: false,
    },
    {
      name: 'ImageBlur',
      displayName: 'Image Blur',
      description: '',
      category: 'image/postprocessing',
      pythonModule: 'comfy_extras.nodes_post_processing',
      required: {
        image: ['IMAGE'],
        blur_radius: ['INT', { default: 1, min: 1, max: 31, step: 1 }],
        sigma: ['FLOAT', { default: 1.0, min: 0.1, max: 10.0, step: 0.1 }],
      },
      returnTypes: ['IMAGE'],
      outputNode: false,
    },
  ];
  return Object.fromEntries(defs.map((d) => [d.name, d]));
}

/** Declared inputs in declaration order: required, then optional. */
export function declaredInputs(def: NodeDef): [name: string, spec: InputSpec, category: 'required' | 'optional'][] {
  return [
    ...Object.entries(def.required).map(([n, s]) => [n, s, 'required'] as [string, InputSpec, 'required']),
    ...Object.entries(def.optional ?? {}).map(([n, s]) => [n, s, 'optional'] as [string, InputSpec, 'optional']),
  ];
}

function inputTypes(def: NodeDef): Dict {
  const specs = (group: Record<string, InputSpec>): Dict =>
    dict(Object.entries(group).map(([n, [type, options]]) => [n, options ? [type, options] : [type]]));
  return dict([
    ['required', specs(def.required)],
    ...(def.optional ? ([['optional', specs(def.optional)]] as const) : []),
    ...(def.hidden ? ([['hidden', { ...def.hidden }]] as const) : []),
  ]);
}

/** One `/object_info` entry, keys in the order server.py `node_info` writes them. */
export function objectInfoEntry(def: NodeDef): Dict {
  const input = inputTypes(def);
  const info: [string, unknown][] = [
    ['input', input],
    ['input_order', dict(Object.entries(input).map(([group, inputs]) => [group, Object.keys(inputs as Dict)]))],
    ['output', [...def.returnTypes]],
    ['output_is_list', def.returnTypes.map(() => false)],
    ['output_name', [...(def.returnNames ?? def.returnTypes)]],
    ['name', def.name],
    ['display_name', def.displayName],
    ['description', def.description],
    ['python_module', def.pythonModule],
    ['category', def.category],
    ['output_node', def.outputNode],
  ];
  if (def.outputTooltips) info.push(['output_tooltips', [...def.outputTooltips]]);
  return dict(info);
}

/** The catalogue of a server with the default checkpoints. */
export const NODE_CATALOGUE: Readonly<Record<string, NodeDef>> = nodeCatalogue(DEFAULT_MODELS);
