/** Every problem with an .onnx file: the message is a full sentence naming the file and the problem. */
export class OnnxImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OnnxImportError';
  }
}
