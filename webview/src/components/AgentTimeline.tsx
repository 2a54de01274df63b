import { memo } from 'react';
import type { AgentView, RunTree, TimelineItem } from '../state/runTree';
import { splitCompleteBlocks } from '../markdown/completeBlocks';
import { clipLongLines } from '../format';
import { SafeMarkdown } from './SafeMarkdown';
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

/**
 * The model's own text. While it streams, the blocks it has finished render as markdown (each
 * parsed once) and the block being written shows as plain text until it is complete.
 */
const ModelText = memo(function ModelText({ text, streaming }: { text: string; streaming: boolean }) {
  if (text.trim() === '') return null;
  if (!streaming) {
    return (
      <div className="model-text">
        <SafeMarkdown markdown={text} />
      </div>
    );
  }
  const { blocks, rest } = splitCompleteBlocks(text);
  return (
    <div className="model-text">
      {blocks.map((block, index) => (
        <SafeMarkdown key={index} markdown={block} />
      ))}
      {rest !== '' && <div className="plain-text">{clipLongLines(rest)}</div>}
    </div>
  );
});

/** Items after the root's last tool call are the report's own text: the report replaces them. */
export function itemsBeforeReport(agent: AgentView): readonly TimelineItem[] {
  if (agent.finished?.report === undefined) return agent.items;
  let end = agent.items.length;
  while (end > 0 && agent.items[end - 1]!.kind === 'text') end -= 1;
  return end === agent.items.length ? agent.items : agent.items.slice(0, end);
}
