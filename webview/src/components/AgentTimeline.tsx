import { memo } from 'react';
import type { AgentView, RunTree, TimelineItem } from '../state/runTree';
import { LinkifiedText } from './LinkifiedText';
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
 * Model text between tool calls. While it streams it is plain text (re-scanning it for
 * references per token would be wasted work); once the model moved on, references link.
 */
const ModelText = memo(function ModelText({ text, streaming }: { text: string; streaming: boolean }) {
  if (text.trim() === '') return null;
  return <div className="model-text">{streaming ? text : <LinkifiedText text={text.trim()} />}</div>;
});

/** Items after the root's last tool call are the report's own text: the report replaces them. */
export function itemsBeforeReport(agent: AgentView): readonly TimelineItem[] {
  if (agent.finished?.report === undefined) return agent.items;
  let end = agent.items.length;
  while (end > 0 && agent.items[end - 1]!.kind === 'text') end -= 1;
  return end === agent.items.length ? agent.items : agent.items.slice(0, end);
}
