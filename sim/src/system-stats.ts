/**
 * `/system_stats` of a simulated 24 GiB CUDA card. Loaded checkpoints occupy VRAM until
 * `POST /free {"unload_models": true}`, so consoles showing VRAM have something to show.
 */

const GIB = 1024 ** 3;
const VRAM_TOTAL = 24 * GIB;
const RAM_TOTAL = 64 * GIB;
const RUNTIME_OVERHEAD = 0.6 * GIB;

function checkpointBytes(name: string): number {
  return /xl|flux|sd3/i.test(name) ? 6.9 * GIB : 2.1 * GIB;
}

export class SimulatedGpu {
  private readonly loaded = new Set<string>();

  load(ckpt: string): void {
    this.loaded.add(ckpt);
  }

  unloadAll(): void {
    this.loaded.clear();
  }

  private usedBytes(): number {
    let used = 0;
    for (const ckpt of this.loaded) used += checkpointBytes(ckpt);
    return Math.min(used, VRAM_TOTAL - RUNTIME_OVERHEAD);
  }

  systemStats(port: number, baseDirectory: string): Record<string, unknown> {
    const used = Math.round(this.usedBytes());
    const torchReserved = used === 0 ? 0 : used + 256 * 1024 ** 2;
    return {
      system: {
        os: 'posix',
        ram_total: RAM_TOTAL,
        ram_free: Math.round(RAM_TOTAL - 6 * GIB - used / 4),
        comfyui_version: '0.3.64',
        required_frontend_version: '1.27.10',
        installed_templates_version: null,
        required_templates_version: '0.1.95',
        python_version: '3.11.9 (main, Apr  6 2024, 17:59:24) [GCC 11.4.0]',
        pytorch_version: '2.8.0+cu128',
        embedded_python: false,
        argv: ['main.py', '--listen', '127.0.0.1', '--port', String(port), '--base-directory', baseDirectory],
      },
      devices: [
        {
          name: 'cuda:0 Simulated GPU : cudaMallocAsync',
          type: 'cuda',
          index: 0,
          vram_total: VRAM_TOTAL,
          vram_free: Math.round(VRAM_TOTAL - RUNTIME_OVERHEAD - used),
          torch_vram_total: torchReserved,
          torch_vram_free: torchReserved === 0 ? 0 : 256 * 1024 ** 2,
        },
      ],
    };
  }
}
