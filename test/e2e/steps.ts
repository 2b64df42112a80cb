/**
 * Runs one step of a flow; a failure names the step, so the report says where in a long flow it broke (the
 * screenshot in .data/e2e/failures shows the page then).
 */
export async function step<T>(name: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof Error) {
      err.message = `Step "${name}": ${err.message}`;
      throw err;
    }
    throw new Error(`Step "${name}": ${String(err)}`, { cause: err });
  }
}
