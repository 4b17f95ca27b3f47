// Draws the extension icon (media/icon.png, 128×128, what the Marketplace and the Extensions view show)
// from the SVG below with sharp: `node scripts/draw-icon.mjs`. The picture: a base network's layers, the lower
// ones frozen (cool, muted), the top one trained anew (bright), with a rising curve of validation accuracy.
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

const root = path.resolve(import.meta.dirname, '..');
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128" viewBox="0 0 128 128">
  <defs>
    <linearGradient id="bg" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="#1f2a44"/><stop offset="1" stop-color="#0f1626"/>
    </linearGradient>
    <linearGradient id="hot" x1="0" y1="0" x2="1" y2="0">
      <stop offset="0" stop-color="#ffb347"/><stop offset="1" stop-color="#ff6a3d"/>
    </linearGradient>
  </defs>
  <rect x="4" y="4" width="120" height="120" rx="24" fill="url(#bg)"/>
  <!-- frozen base layers -->
  <g fill="#4a6fa5" opacity="0.9">
    <path d="M22 96 L64 108 L106 96 L64 84 Z"/>
  </g>
  <g fill="#5d86c4" opacity="0.95">
    <path d="M22 80 L64 92 L106 80 L64 68 Z"/>
  </g>
  <!-- the new, trainable head -->
  <path d="M22 62 L64 74 L106 62 L64 50 Z" fill="url(#hot)"/>
  <!-- rising accuracy curve -->
  <path d="M24 44 C 44 42, 52 22, 70 22 S 96 16, 104 14" fill="none" stroke="#7ee2a8" stroke-width="6" stroke-linecap="round"/>
  <circle cx="104" cy="14" r="6" fill="#7ee2a8"/>
</svg>`;
fs.writeFileSync(path.join(root, 'media', 'icon.svg'), `${svg}\n`);
await sharp(Buffer.from(svg))
  .png({ compressionLevel: 9 })
  .toFile(path.join(root, 'media', 'icon.png'));
const meta = await sharp(path.join(root, 'media', 'icon.png')).metadata();
console.log(
  `media/icon.png: ${meta.width}×${meta.height}, ${fs.statSync(path.join(root, 'media', 'icon.png')).size} bytes`,
);
