import { readFile, stat } from 'node:fs/promises';
import { extname, posix } from 'node:path';
import { annotatedFilepath, directoryByType, isInside, pyAbspath, pyJoin, type Folders } from './folder-paths';
import { emptyResponse, type SimResponse } from './http-response';
import { decodePng, encodePng, isPng } from './png';

/**
 * `GET /view` with server.py's checks in server.py's order: annotation suffix, empty name,
 * leading `/` or `..` (400), unknown type (400), escaping subfolder (403), then only the
 * basename is used and a missing file is 404. `preview=` re-encoding is not simulated: the
 * file comes back as PNG.
 */

const MIME: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.json': 'application/json',
  '.txt': 'text/plain',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.wav': 'audio/x-wav',
  '.mp3': 'audio/mpeg',
};

/** Types a browser would render or execute are served as downloads only. */
const FORCED_DOWNLOAD = new Set(['text/html', 'text/html-sandboxed', 'application/xhtml+xml', 'text/javascript', 'text/css']);
const EXTRA_MIME: Record<string, string> = { '.html': 'text/html', '.htm': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

function fileResponse(body: Buffer, filename: string, contentType: string): SimResponse {
  return { status: 200, headers: { 'Content-Type': contentType, 'Content-Disposition': `filename="${filename}"` }, body };
}

export async function viewFile(query: URLSearchParams, folders: Folders): Promise<SimResponse> {
  const requested = query.get('filename');
  if (requested === null) return emptyResponse(404);
  let [filename, outputDir] = annotatedFilepath(requested, folders);
  if (!filename) return emptyResponse(400);
  if (filename.startsWith('/') || filename.includes('..')) return emptyResponse(400);
  if (outputDir === null) outputDir = directoryByType(query.get('type') ?? 'output', folders);
  if (outputDir === null) return emptyResponse(400);
  const subfolder = query.get('subfolder');
  if (subfolder !== null) {
    const full = pyJoin(outputDir, subfolder);
    if (!isInside(outputDir, full)) return emptyResponse(403);
    outputDir = full;
  }
  filename = posix.basename(filename);
  const file = pyAbspath(pyJoin(outputDir, filename));
  try {
    if (!(await stat(file)).isFile()) return emptyResponse(404);
  } catch {
    return emptyResponse(404);
  }
  const body = await readFile(file);

  if (query.has('preview')) return fileResponse(body, filename, isPng(body) ? 'image/png' : 'application/octet-stream');
  const channel = query.get('channel') ?? 'rgba';
  if ((channel === 'rgb' || channel === 'a') && isPng(body)) {
    const img = decodePng(body);
    const n = img.width * img.height;
    const out = new Uint8Array(n * (channel === 'rgb' ? 3 : 4));
    for (let i = 0; i < n; i++) {
      if (channel === 'rgb') {
        for (let c = 0; c < 3; c++) out[i * 3 + c] = img.pixels[i * img.channels + c] as number;
      } else {
        out[i * 4 + 3] = img.channels === 4 ? (img.pixels[i * 4 + 3] as number) : 255;
      }
    }
    const png = encodePng({ width: img.width, height: img.height, channels: channel === 'rgb' ? 3 : 4, pixels: out }, { level: 6 });
    return fileResponse(png, filename, 'image/png');
  }
  const ext = extname(filename).toLowerCase();
  let contentType = MIME[ext] ?? EXTRA_MIME[ext] ?? 'application/octet-stream';
  if (FORCED_DOWNLOAD.has(contentType)) contentType = 'application/octet-stream';
  return fileResponse(body, filename, contentType);
}
