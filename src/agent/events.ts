import type { AgentEvent, AgentEventInput } from '../protocol/agentEvent';

/** Receives events before they are stamped; shared by a run and its sub-agents. */
export type EventSink = (event: AgentEventInput) => void;

/** Stamps events with a monotonic sequence number, in the order they were emitted. */
export function createEventSink(listener: (event: AgentEvent) => void): EventSink {
  let seq = 0;
  return (event) => listener({ ...event, seq: seq++ } as AgentEvent);
}
