/**
 * Reads a swarm config out of a Markdown document: its fenced YAML blocks are joined in order,
 * and a heading such as "Core Architecture Specialists (15 agents)" gives the capacity of the
 * category in the next YAML block, which is rewritten as `{capacity, agents}`.
 */
import type { LineOrigin } from './yaml-source';

/** YAML text taken out of a Markdown document, with where each of its lines came from. */
export interface ExtractedYaml {
  text: string;
  lineMap: LineOrigin[];
  /** Number of fenced YAML blocks found. */
  blocks: number;
}

const FENCE_OPEN = /^\s*(```|~~~)\s*ya?ml\b.*$/i;
const HEADING = /^#{1,6}\s/;
// "(15 agents)", "(7 agents - spawned on demand)"; "(60 Total)" is not a category capacity.
const CAPACITY = /\((\d+)\s+agents?\b[^)]*\)/i;
const CATEGORY_HEAD = /^([A-Za-z_][\w-]*):\s*(#.*)?$/;
const SECTIONS = new Set([
  'swarm',
  'scaling_rules',
  'scaling_triggers',
  'framework_metrics',
  'scaler',
  'driver',
]);

/** Joins the fenced YAML blocks of a Markdown document; "(N agents)" headings set capacities. */
export function markdownToYaml(markdown: string): string {
  return extractYaml(markdown).text;
}

/** Like markdownToYaml, and also returns a line map for error positions. */
export function extractYaml(markdown: string): ExtractedYaml {
  const lines = markdown.split(/\r?\n/);
  const out: string[] = [];
  const lineMap: LineOrigin[] = [];
  let capacity: number | undefined;
  let blocks = 0;
  for (let i = 0; i < lines.length; i++) {
    if (HEADING.test(lines[i])) {
      const match = CAPACITY.exec(lines[i]);
      capacity = match ? Number(match[1]) : undefined;
      continue;
    }
    const fence = FENCE_OPEN.exec(lines[i]);
    if (!fence) continue;
    const start = i + 1;
    for (i++; i < lines.length && lines[i].trim() !== fence[1]; i++);
    const block = lines.slice(start, i).map((text, offset) => ({ text, line: start + offset + 1 }));
    for (const entry of withCapacity(block, capacity)) {
      out.push(entry.text);
      lineMap.push({ line: entry.line, shift: entry.shift, block: blocks });
    }
    blocks++;
    capacity = undefined;
  }
  return { text: out.join('\n'), lineMap, blocks };
}

interface BlockLine {
  text: string;
  line: number;
  shift?: number;
}

/** Rewrites a category block written as a plain list into `{capacity, agents}` when a heading gave one. */
function withCapacity(block: BlockLine[], capacity: number | undefined): Required<BlockLine>[] {
  const plain = block.map((entry) => ({ ...entry, shift: 0 }));
  if (capacity === undefined) return plain;
  const top = block.findIndex((entry) => CATEGORY_HEAD.test(entry.text));
  if (top < 0) return plain;
  const name = CATEGORY_HEAD.exec(block[top].text)?.[1] ?? '';
  const rest = block.slice(top + 1);
  const isList = rest
    .find((entry) => entry.text.trim() && !entry.text.trim().startsWith('#'))
    ?.text.trimStart()
    .startsWith('-');
  const hasOtherTopKey = rest.some((entry) => /^[^\s#-]/.test(entry.text));
  if (SECTIONS.has(name) || !isList || hasOtherTopKey) return plain;
  const head = block[top];
  return [
    ...plain.slice(0, top + 1),
    { text: `  capacity: ${capacity}`, line: head.line, shift: 0 },
    { text: '  agents:', line: head.line, shift: 0 },
    ...rest.map((entry) => ({
      text: entry.text.trim() ? `    ${entry.text}` : entry.text,
      line: entry.line,
      shift: 4,
    })),
  ];
}
