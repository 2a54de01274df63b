import { memo } from 'react';
import type { AgentView, RunTree, TimelineItem, TextItem } from '../state/runTree';
import { StreamedMarkdown } from './StreamedMarkdown';
import { ToolCard } from './ToolCard';

interface AgentTimelineProps {
  items: readonly TimelineItem[];
  tools: RunTree['tools'];
  subRuns: RunTree['subRuns'];
  /** The agent's last text is still being written. */
  streaming: boolean;
}

/** An agent's text and tool cards in the order the model produced them. */
export function AgentTimeline({ items, tools, subRuns, streaming }: AgentTimelineProps) {
  return (
    <div className="timeline">
      {items.map((item, index) => {
        if (item.kind === 'text') {
          return <ModelText key={item.id} text={item.text} streaming={streaming && index === items.length - 1} />;
        }
        const tool = tools[item.callId];
        return tool ? <ToolCard key={item.callId} tool={tool} subRunIds={subRuns[item.callId]} /> : null;
      })}
    </div>
  );
}

/** The model's own text between tool calls. */
export const ModelText = memo(function ModelText({ text, streaming }: { text: string; streaming: boolean }) {
  if (text.trim() === '') return null;
  return (
    <div className="model-text">
      <StreamedMarkdown text={text} complete={!streaming} />
    </div>
  );
});

/**
 * Splits an agent's items into its trace and the text after its last tool call: the text that
 * becomes the report when the run finishes without another call.
 */
export function splitTrailingText(items: readonly TimelineItem[]): { trace: readonly TimelineItem[]; trailing: readonly TextItem[] } {
  let end = items.length;
  while (end > 0 && items[end - 1]!.kind === 'text') end -= 1;
  if (end === items.length) return { trace: items, trailing: [] };
  return { trace: items.slice(0, end), trailing: items.slice(end) as TextItem[] };
}

/** Items after the agent's last tool call are its report's own text: the report replaces them. */
export function itemsBeforeReport(agent: AgentView): readonly TimelineItem[] {
  return agent.finished?.report === undefined ? agent.items : splitTrailingText(agent.items).trace;
}
