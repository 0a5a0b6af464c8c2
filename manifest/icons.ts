import { encodePng } from './png.js';

const PURPLE: [number, number, number] = [0x5b, 0x5f, 0xc7];

/** Whether a point lies in the chat bubble (body and tail), in a unit square. */
function inBubble(u: number, v: number): boolean {
  const body = u >= 0.18 && u <= 0.82 && v >= 0.24 && v <= 0.64 && roundedInside(u, v, 0.18, 0.24, 0.82, 0.64, 0.08);
  const tail = v > 0.62 && v <= 0.8 && u >= 0.3 && u <= 0.3 + (0.8 - v) * 0.9;
  return body || tail;
}

function roundedInside(u: number, v: number, x0: number, y0: number, x1: number, y1: number, r: number): boolean {
  const cx = Math.min(Math.max(u, x0 + r), x1 - r);
  const cy = Math.min(Math.max(v, y0 + r), y1 - r);
  return (u - cx) ** 2 + (v - cy) ** 2 <= r * r;
}

function dot(u: number, v: number): boolean {
  return [0.36, 0.5, 0.64].some((cx) => (u - cx) ** 2 + (v - 0.44) ** 2 <= 0.045 ** 2);
}

/** The 192×192 colour icon: a white chat bubble with three dots on the assistant's purple. */
export function colorIcon(): Buffer {
  const size = 192;
  return encodePng(size, size, (x, y) => {
    const u = (x + 0.5) / size;
    const v = (y + 0.5) / size;
    if (!roundedInside(u, v, 0, 0, 1, 1, 0.16)) return [...PURPLE, 0];
    if (inBubble(u, v) && !dot(u, v)) return [255, 255, 255, 255];
    return [...PURPLE, 255];
  });
}

/** The 32×32 outline icon: the bubble in white on a transparent background, as Teams requires. */
export function outlineIcon(): Buffer {
  const size = 32;
  return encodePng(size, size, (x, y) => {
    const u = (x + 0.5) / size;
    const v = (y + 0.5) / size;
    const edge = inBubble(u, v) && [[-1, 0], [1, 0], [0, -1], [0, 1]].some(([dx, dy]) => !inBubble((x + dx + 0.5) / size, (y + dy + 0.5) / size));
    return edge || (inBubble(u, v) && dot(u, v)) ? [255, 255, 255, 255] : [0, 0, 0, 0];
  });
}
