/**
 * Rounds to the nearest integer with halves going to the even neighbour: Python's round(), which
 * torchvision's CenterCrop uses, and ONNX's Round. (Math.round sends halves up.)
 */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
