/** Every problem with a .tflite file: the message is a full sentence naming the file and the problem. */
export class TfliteImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TfliteImportError';
  }
}
