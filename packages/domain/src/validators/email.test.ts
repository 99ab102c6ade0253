import { describe, expect, it } from 'vitest';
import { normalizeEmail } from './email.ts';

describe('normalizeEmail: accepted', () => {
  it.each([
    ['zhangsan@example.com', 'zhangsan@example.com'],
    ['  zhangsan@example.com\n', 'zhangsan@example.com'],
    ['ZhangSan@Example.COM', 'ZhangSan@example.com'],
    ['first.last@mail.example.com.cn', 'first.last@mail.example.com.cn'],
    ['user+tag@example.com', 'user+tag@example.com'],
    ['user_name-1@sub-domain.example.org', 'user_name-1@sub-domain.example.org'],
    ["o'brien@example.ie", "o'brien@example.ie"],
    ['12345678@qq.com', '12345678@qq.com'],
    ['a@b.co', 'a@b.co'],
    ['x@123.example', 'x@123.example'],
    ['用户@例子.中国', '用户@例子.中国'],
    ['user@xn--fiqs8s.xn--fiqz9s', 'user@xn--fiqs8s.xn--fiqz9s'],
    ['\u3000user@example.com\u3000', 'user@example.com'],
  ])('accepts %j', (input, expected) => {
    expect(normalizeEmail(input)).toBe(expected);
  });

  it('accepts an address of exactly 254 octets with a 64-octet local part', () => {
    const local = 'a'.repeat(64);
    const domain = `${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(57)}.com`;
    const address = `${local}@${domain}`;
    expect(address).toHaveLength(254);
    expect(normalizeEmail(address)).toBe(address);
  });
});

describe('normalizeEmail: rejected', () => {
  it.each([
    ['', 'empty'],
    ['   ', 'blank'],
    ['zhangsan.example.com', 'missing @'],
    ['zhang@san@example.com', 'two @'],
    ['@example.com', 'empty local part'],
    ['zhangsan@', 'empty domain'],
    ['zhangsan@localhost', 'domain without dot'],
    ['zhang san@example.com', 'space in local part'],
    ['zhangsan@exam ple.com', 'space in domain'],
    ['zhang\tsan@example.com', 'tab'],
    ['zhangsan@example.com\u0000x', 'NUL'],
    ['zhang\u0007san@example.com', 'BEL control char'],
    ['zhang\u007Fsan@example.com', 'DEL'],
    ['zhang\u0085san@example.com', 'C1 control char'],
    ['zhang\u3000san@example.com', 'ideographic space inside'],
    ['moc.elpmaxe\u202E@user', 'bidi override'],
    ['zhangsan@exam\u2066ple.com', 'bidi isolate in domain'],
    ['zhang\uD800san@example.com', 'lone surrogate'],
    ['zhang..san@example.com', 'consecutive dots in local part'],
    ['zhangsan@example..com', 'consecutive dots in domain'],
    ['.zhangsan@example.com', 'leading dot in local part'],
    ['zhangsan.@example.com', 'trailing dot in local part'],
    ['zhangsan@.example.com', 'leading dot in domain'],
    ['zhangsan@example.com.', 'trailing dot in domain'],
    ['zhangsan@-example.com', 'label starting with hyphen'],
    ['zhangsan@example-.com', 'label ending with hyphen'],
    ['zhangsan@exa_mple.com', 'underscore in domain'],
    ['zhangsan@[192.168.0.1]', 'address literal'],
    ['"zhang san"@example.com', 'quoted local part'],
    ['Zhang San <zhangsan@example.com>', 'display name'],
    ['zhang,san@example.com', 'comma'],
    ['zhang;san@example.com', 'semicolon'],
    ['zhang\\san@example.com', 'backslash'],
    ['zhang(comment)san@example.com', 'comment'],
    ['mailto:zhangsan@example.com', 'mailto scheme'],
  ])('rejects %j (%s)', (input) => {
    expect(normalizeEmail(input)).toBeNull();
  });

  it('rejects a local part of 65 octets', () => {
    expect(normalizeEmail(`${'a'.repeat(65)}@example.com`)).toBeNull();
  });

  it('counts the local-part limit in UTF-8 octets, not characters', () => {
    // 22 CJK characters are 66 octets.
    expect(normalizeEmail(`${'用'.repeat(21)}@example.com`)).toBe(`${'用'.repeat(21)}@example.com`);
    expect(normalizeEmail(`${'用'.repeat(22)}@example.com`)).toBeNull();
  });

  it('rejects an address of 255 octets', () => {
    const domain = `${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(58)}.com`;
    const address = `${'a'.repeat(64)}@${domain}`;
    expect(address).toHaveLength(255);
    expect(normalizeEmail(address)).toBeNull();
  });

  it('rejects a domain label of 64 octets', () => {
    expect(normalizeEmail(`a@${'b'.repeat(64)}.com`)).toBeNull();
    expect(normalizeEmail(`a@${'b'.repeat(63)}.com`)).toBe(`a@${'b'.repeat(63)}.com`);
  });
});
