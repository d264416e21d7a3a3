/** ONNX bytes of a Keras MobileNet given as a TF.js layers model.json and a reader of its weight files. */
export function kerasMobilenetToOnnx(modelJsonBytes: Uint8Array, readFile: (name: string) => Uint8Array): Uint8Array;
