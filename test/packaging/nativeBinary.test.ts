import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nativeBinary } from './nativeBinary';

/** A buffer of `size` zero bytes with `write` applied. */
function bytes(write: (buffer: Buffer) => void, size = 256): Buffer {
  const buffer = Buffer.alloc(size);
  write(buffer);
  return buffer;
}

describe('nativeBinary', () => {
  it('reads the ELF machine of the Node running this test', () => {
    const expected = { x64: 'x64', arm64: 'arm64' }[process.arch as string];
    if (process.platform !== 'linux' || !expected) return;
    expect(nativeBinary(readFileSync(process.execPath))).toEqual({ format: 'elf', archs: [expected] });
  });

  it('tells ELF x64 from ELF arm64', () => {
    const elf = (machine: number) =>
      bytes((b) => {
        b.writeUInt32BE(0x7f454c46, 0);
        b[5] = 1;
        b.writeUInt16LE(machine, 18);
      });
    expect(nativeBinary(elf(0x3e))).toEqual({ format: 'elf', archs: ['x64'] });
    expect(nativeBinary(elf(0xb7))).toEqual({ format: 'elf', archs: ['arm64'] });
    expect(nativeBinary(elf(0x1234))).toEqual({ format: 'elf', archs: ['unknown-4660'] });
  });

  it('reads thin and universal Mach-O files', () => {
    const thin = (cpu: number) =>
      bytes((b) => {
        b.writeUInt32LE(0xfeedfacf, 0);
        b.writeInt32LE(cpu, 4);
      });
    expect(nativeBinary(thin(0x0100000c))).toEqual({ format: 'macho', archs: ['arm64'] });
    expect(nativeBinary(thin(0x01000007))).toEqual({ format: 'macho', archs: ['x64'] });
    const universal = bytes((b) => {
      b.writeUInt32BE(0xcafebabe, 0);
      b.writeUInt32BE(2, 4);
      b.writeInt32BE(0x01000007, 8);
      b.writeInt32BE(0x0100000c, 28);
    });
    expect(nativeBinary(universal)).toEqual({ format: 'macho', archs: ['x64', 'arm64'] });
  });

  it('reads the PE machine behind the DOS header', () => {
    const pe = (machine: number) =>
      bytes((b) => {
        b.write('MZ', 0, 'latin1');
        b.writeUInt32LE(0x80, 0x3c);
        b.write('PE\0\0', 0x80, 'latin1');
        b.writeUInt16LE(machine, 0x84);
      });
    expect(nativeBinary(pe(0x8664))).toEqual({ format: 'pe', archs: ['x64'] });
    expect(nativeBinary(pe(0xaa64))).toEqual({ format: 'pe', archs: ['arm64'] });
  });

  it('takes Java classes, import libraries, text and short files for what they are: not native', () => {
    const javaClass = bytes((b) => {
      b.writeUInt32BE(0xcafebabe, 0);
      b.writeUInt32BE(52, 4);
    });
    expect(nativeBinary(javaClass)).toBeUndefined();
    expect(nativeBinary(Buffer.from('!<arch>\n/               0           0     0     0       4         `\n'.padEnd(128)))).toBeUndefined();
    expect(nativeBinary(Buffer.from('MZ is how this text starts, and it goes on long enough to be read as a header.'))).toBeUndefined();
    expect(nativeBinary(Buffer.from([0x7f, 0x45, 0x4c, 0x46]))).toBeUndefined();
  });
});
