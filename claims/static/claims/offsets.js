// Offsets: the server counts Unicode code points, JavaScript strings count UTF-16 units.
// An emoji or a CJK extension character is one code point but two units.

export function codePointLength(text) {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}

export function utf16Index(text, codePoints) {
  // The UTF-16 index at which the code point numbered `codePoints` starts.
  let units = 0;
  for (let seen = 0; seen < codePoints && units < text.length; seen++) {
    const unit = text.charCodeAt(units);
    const pair = unit >= 0xd800 && unit <= 0xdbff && units + 1 < text.length;
    units += pair && text.charCodeAt(units + 1) >= 0xdc00 && text.charCodeAt(units + 1) <= 0xdfff ? 2 : 1;
  }
  return units;
}
