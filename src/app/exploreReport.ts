import type { RunFinishReason } from '../protocol/agentEvent';
import { findFileReferences, type FileReferenceMatch } from '../protocol/fileReference';
import { referenceVerdict, unverifiedWhy } from '../protocol/referenceVerdicts';
import type { ResolvedLink, ResolvedLinks } from '../protocol/webview';
import { resolveReferences } from './fileReferences';
import { workspaceLabel } from '../tools/support/workspacePaths';

/**
 * The explore tool's answer to another agent: the report with each file reference checked
 * against the workspace, as the view checks them. Verified references read workspace-relative
 * (`src/app.py:10-20`, what the calling agent opens); the ones that did not check out are
 * flagged inline and listed with the reason, so the caller does not build on an invented file.
 */

export interface VerifiedReference {
  /** Absolute path of the file, or of the folder (whose label ends with a separator). */
  path: string;
  line?: number;
  endLine?: number;
  /** How the report now writes it: workspace-relative, with the line suffix. */
  label: string;
}

export interface ExploreAnswer {
  /** What the calling agent reads: the report, then the list of references and how they checked out. */
  text: string;
  /** The report alone, its references rewritten and flagged (a chat view renders it, then its own reference list). */
  report: string;
  /** True when there is no report (stopped, failed, out of turns): the caller should not treat the text as an answer. */
  isError: boolean;
  /** The report's verified references (files, and folders), in order of first mention (a chat view shows them as anchors). */
  references: VerifiedReference[];
  /** The references that did not check out, and why. */
  unverified: { label: string; why: string }[];
}

export interface ExploreOutcome {
  reason: RunFinishReason;
  report?: string;
  error?: string;
  turns: number;
}

export const UNVERIFIED_MARK = '[unverified]';

export async function exploreAnswer(outcome: ExploreOutcome, place: { roots: readonly string[]; cwd: string }): Promise<ExploreAnswer> {
  const report = outcome.report?.trim();
  if (!report) return failedAnswer(noReport(outcome));
  const found = findFileReferences(report);
  const links = await resolveReferences(found, { roots: place.roots, bases: [place.cwd] });
  const verified = new Map<string, VerifiedReference>();
  const unverified = new Map<string, string>();
  let text = '';
  let at = 0;
  for (const ref of found) {
    const link = links[ref.text];
    if (!link) continue;
    const verdict = referenceVerdict(ref, link);
    if (verdict === 'plain') continue;
    const label = shownAs(ref, link, place.roots);
    if (verdict !== 'unverified' && link.path !== undefined) {
      // A folder is listed with its final separator, so that the caller knows it is one.
      const listed = verdict === 'folder' && !/[\\/]$/.test(label) ? `${label}/` : label;
      if (!verified.has(listed)) verified.set(listed, { path: link.path, line: link.line, endLine: link.endLine, label: listed });
      text += report.slice(at, ref.index) + label;
    } else {
      if (!unverified.has(label)) unverified.set(label, unverifiedWhy({ ...link, path: link.path === undefined ? undefined : workspaceLabel(link.path, place.roots) }, ref.path));
      text += `${report.slice(at, ref.index)}${label} ${UNVERIFIED_MARK}`;
    }
    at = ref.index + ref.text.length;
  }
  text += report.slice(at);
  return {
    text: text + referenceList(verified, unverified),
    report: text,
    isError: false,
    references: [...verified.values()],
    unverified: [...unverified].map(([label, why]) => ({ label, why })),
  };
}

/** An answer that is only a message: bad input, or a run that wrote no report. */
export function failedAnswer(message: string): ExploreAnswer {
  return { text: message, report: '', isError: true, references: [], unverified: [] };
}

function referenceList(verified: ReadonlyMap<string, VerifiedReference>, unverified: ReadonlyMap<string, string>): string {
  if (verified.size === 0 && unverified.size === 0) return '';
  const lines = ['', '', '---'];
  if (verified.size > 0) lines.push('References checked against the workspace (paths relative to it):', ...[...verified.keys()].map((label) => `- ${label}`));
  if (unverified.size > 0) {
    lines.push(`References marked ${UNVERIFIED_MARK} did not check out; do not rely on them:`, ...[...unverified].map(([label, why]) => `- ${label}: ${why}`));
  }
  return lines.join('\n');
}

function noReport(outcome: ExploreOutcome): string {
  switch (outcome.reason) {
    case 'cancelled':
      return 'The exploration was stopped before it wrote a report.';
    case 'max_turns':
      return `The exploration used its ${outcome.turns} turns without writing a report. Ask a narrower question, or ask again with thoroughness "veryThorough".`;
    case 'error':
      return `The exploration failed: ${(outcome.error ?? 'no reason was given').replace(/\.$/, '')}.`;
    case 'done':
      return 'The exploration ended without a report.';
  }
}

/** The reference as the report should now read: workspace-relative where it names a place in the workspace, else as written. */
function shownAs(ref: FileReferenceMatch, link: ResolvedLink, roots: readonly string[]): string {
  if (link.path === undefined || !ref.text.startsWith(ref.path)) return link.label ?? ref.text;
  return `${workspaceLabel(link.path, roots)}${ref.text.slice(ref.path.length)}`;
}
