/**
 * A small valid txt2img graph in ComfyUI API format (the shape of sim/src txt2imgWorkflow, copied:
 * the renderer must not import the simulator). Node ids follow ComfyUI's default graph.
 */
export const EXAMPLE_WORKFLOW = {
  '3': {
    class_type: 'KSampler',
    inputs: { seed: 42, steps: 20, cfg: 8, sampler_name: 'euler', scheduler: 'normal', denoise: 1, model: ['4', 0], positive: ['6', 0], negative: ['7', 0], latent_image: ['5', 0] },
  },
  '4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'sd15.safetensors' } },
  '5': { class_type: 'EmptyLatentImage', inputs: { width: 512, height: 512, batch_size: 1 } },
  '6': { class_type: 'CLIPTextEncode', inputs: { text: 'beautiful scenery nature glass bottle landscape, purple galaxy bottle,', clip: ['4', 1] } },
  '7': { class_type: 'CLIPTextEncode', inputs: { text: 'text, watermark', clip: ['4', 1] } },
  '8': { class_type: 'VAEDecode', inputs: { samples: ['3', 0], vae: ['4', 2] } },
  '9': { class_type: 'SaveImage', inputs: { filename_prefix: 'ComfyFleet', images: ['8', 0] } },
};

export const EXAMPLE_TEXT = JSON.stringify(EXAMPLE_WORKFLOW, null, 2);
