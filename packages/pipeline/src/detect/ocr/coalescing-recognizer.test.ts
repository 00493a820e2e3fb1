import { describe, expect, it } from 'vitest';
import { CoalescingRecognizer } from './coalescing-recognizer.ts';
import type { CropReader } from './coalescing-recognizer.ts';
import type { GreyCrop, Recognition } from './recognizer.ts';

/** A reader that "reads" each crop's first pixel value and records the calls it gets. */
class RecordingReader implements CropReader {
  calls: number[] = [];
  fail = false;
  async recognize(crops: GreyCrop[]): Promise<Recognition[]> {
    this.calls.push(crops.length);
    if (this.fail) throw new Error('session failed');
    return crops.map((c) => ({ text: String(c.data[0]), confidence: 1 }));
  }
}

const crop = (value: number): GreyCrop => ({ data: Uint8Array.of(value), width: 1, height: 1 });

describe('CoalescingRecognizer', () => {
  it('answers the calls of one turn with one inner call, each caller getting its own readings', async () => {
    const inner = new RecordingReader();
    const reader = new CoalescingRecognizer(inner);
    const answers = await Promise.all([
      reader.recognize([crop(1), crop(2)]),
      reader.recognize([crop(3)]),
      Promise.resolve().then(() => reader.recognize([crop(4), crop(5), crop(6)])),
    ]);
    expect(inner.calls).toEqual([6]);
    expect(answers.map((a) => a.map((r) => r.text))).toEqual([['1', '2'], ['3'], ['4', '5', '6']]);
  });

  it('makes a new call for a caller that asks after the previous answer', async () => {
    const inner = new RecordingReader();
    const reader = new CoalescingRecognizer(inner);
    await reader.recognize([crop(1)]);
    await reader.recognize([crop(2)]);
    expect(inner.calls).toEqual([1, 1]);
    expect(await reader.recognize([])).toEqual([]);
    expect(inner.calls).toEqual([1, 1]);
  });

  it('passes a failure of the inner call to every caller of that call', async () => {
    const inner = new RecordingReader();
    inner.fail = true;
    const reader = new CoalescingRecognizer(inner);
    const results = await Promise.allSettled([reader.recognize([crop(1)]), reader.recognize([crop(2)])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    inner.fail = false;
    expect((await reader.recognize([crop(7)]))[0]!.text).toBe('7');
  });
});
