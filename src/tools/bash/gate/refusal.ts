/** A command line the gate will not run; the message is one line the model can act on. */
export class Refusal extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}
