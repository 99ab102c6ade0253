import { readFile } from 'node:fs/promises';
import { classifyPaymentCode, decodeEmv, type EmvDecodeResult, recogniseCollectionCode } from '@paydesk/domain';

/** Everything Paydesk can tell about a piece of QR text: collection code, EMVCo fields, payment code. */
export function inspectText(text: string) {
  const recognition = recogniseCollectionCode(text);
  const payment = classifyPaymentCode(text);
  const emv = text.trimStart().startsWith('000201') ? decodeEmv(text.trim()) : null;
  return {
    text,
    provider: recognition.provider,
    kind: recognition.kind,
    flags: recognition.flags,
    emv: emv as EmvDecodeResult | null,
    paymentCode: payment.wallet === 'unsupported' ? null : { wallet: payment.wallet, code: payment.code },
  };
}

export function printInspect(text: string, json: boolean): void {
  const r = inspectText(text);
  if (json) {
    process.stdout.write(`${JSON.stringify(r)}\n`);
    return;
  }
  const lines = [`provider: ${r.provider}`, `kind:     ${r.kind ?? '-'}`];
  if (r.flags.length > 0) lines.push(`flags:    ${r.flags.join(', ')}`);
  if (r.emv) {
    lines.push(
      r.emv.ok
        ? 'EMVCo:    valid (CRC ok)'
        : `EMVCo:    invalid: ${r.emv.error.reason}${r.emv.error.tag ? ` at tag ${r.emv.error.tag}` : ''}`,
    );
    if (r.emv.ok) {
      const f = r.emv.value;
      lines.push(
        `  initiation ${f.initiation}, MCC ${f.mcc ?? '-'}, currency ${f.currency}, amount ${f.amount ?? '-'}`,
        `  merchant ${f.merchantName ?? '-'} (${f.merchantCity ?? '-'}), country ${f.country ?? '-'}`,
        ...f.merchantAccounts.map(
          (a) =>
            `  account tag ${a.tag}: ${a.kind === 'primitive' ? a.value : `${a.guid} ${a.fields.map((x) => `${x.tag}=${x.value}`).join(' ')}`}`,
        ),
      );
    }
  }
  if (r.paymentCode) lines.push(`customer payment code (付款码): ${r.paymentCode.wallet}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** One JSON line per file: {file, ok, text, provider, kind, verdict, error}; every code in an image is reported. */
export async function decodeFiles(files: string[], json: boolean): Promise<boolean> {
  const { decodeImage } = await import('../qr/decode.ts');
  let allOk = true;
  for (const file of files) {
    let line: Record<string, unknown>;
    try {
      const result = await decodeImage(await readFile(file));
      if (!result.ok) {
        line = { file, ok: false, text: null, provider: null, kind: null, verdict: result.reason, error: result.reason };
      } else {
        const codes = result.codes.map((c) => {
          const r = recogniseCollectionCode(c.text);
          return { text: c.text, provider: r.provider, kind: r.kind };
        });
        const first = codes[0];
        const verdict =
          codes.length > 1 ? 'multiple_codes' : first && ['url', 'unknown'].includes(first.provider) ? 'not_a_payment_code' : 'clear';
        line = {
          file,
          ok: true,
          text: first?.text ?? null,
          provider: first?.provider ?? null,
          kind: first?.kind ?? null,
          verdict,
          error: null,
        };
        if (codes.length > 1) line.codes = codes;
      }
    } catch (err) {
      line = {
        file,
        ok: false,
        text: null,
        provider: null,
        kind: null,
        verdict: null,
        error: (err as NodeJS.ErrnoException).code ?? String(err),
      };
    }
    if (!line.ok) allOk = false;
    process.stdout.write(
      json
        ? `${JSON.stringify(line)}\n`
        : `${file}: ${line.ok ? `${line.verdict} ${line.provider} ${line.text}` : `failed: ${line.error}`}\n`,
    );
  }
  return allOk;
}
