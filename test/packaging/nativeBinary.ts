/** What a native binary is, read from its header: its container format and the CPUs it runs on. */
export interface NativeBinary {
  format: 'elf' | 'macho' | 'pe';
  /** One CPU, or several for a macOS universal binary. */
  archs: string[];
}

// ELF e_machine values.
const ELF_MACHINES: Record<number, string> = { 0x03: 'ia32', 0x14: 'ppc', 0x15: 'ppc64', 0x16: 's390x', 0x28: 'arm', 0x3e: 'x64', 0xb7: 'arm64', 0xf3: 'riscv64' };
// Mach-O cputype values (CPU_ARCH_ABI64 = 0x01000000).
const MACHO_CPUS: Record<number, string> = { 0x07: 'ia32', 0x01000007: 'x64', 0x0c: 'arm', 0x0100000c: 'arm64' };
// PE COFF Machine values.
const PE_MACHINES: Record<number, string> = { 0x014c: 'ia32', 0x8664: 'x64', 0x01c4: 'arm', 0xaa64: 'arm64' };

/**
 * The format and CPU of an ELF, Mach-O (thin or universal) or PE file; undefined for anything
 * else. An unknown CPU code reads as `unknown-<code>`, so a caller comparing CPUs sees a mismatch.
 */
export function nativeBinary(bytes: Buffer): NativeBinary | undefined {
  if (bytes.length < 64) return undefined;
  if (bytes.readUInt32BE(0) === 0x7f454c46) {
    const littleEndian = bytes[5] === 1;
    const machine = littleEndian ? bytes.readUInt16LE(18) : bytes.readUInt16BE(18);
    return { format: 'elf', archs: [ELF_MACHINES[machine] ?? `unknown-${machine}`] };
  }
  const magic = bytes.readUInt32LE(0);
  if (magic === 0xfeedfacf || magic === 0xfeedface) {
    const cpu = bytes.readInt32LE(4);
    return { format: 'macho', archs: [MACHO_CPUS[cpu] ?? `unknown-${cpu}`] };
  }
  // A universal binary: big-endian header, then one (cputype, …) record of 20 bytes per slice.
  // Java class files share the magic; their next field (a version ≥ 45) tells them apart.
  if (bytes.readUInt32BE(0) === 0xcafebabe && bytes.readUInt32BE(4) < 20) {
    const slices = bytes.readUInt32BE(4);
    const archs = Array.from({ length: slices }, (_, index) => {
      const cpu = bytes.readInt32BE(8 + index * 20);
      return MACHO_CPUS[cpu] ?? `unknown-${cpu}`;
    });
    return { format: 'macho', archs };
  }
  if (bytes.toString('latin1', 0, 2) === 'MZ') {
    const header = bytes.readUInt32LE(0x3c);
    if (header + 6 > bytes.length || bytes.toString('latin1', header, header + 4) !== 'PE\0\0') return undefined;
    const machine = bytes.readUInt16LE(header + 4);
    return { format: 'pe', archs: [PE_MACHINES[machine] ?? `unknown-${machine}`] };
  }
  return undefined;
}
