// Regenerates src/core/importers/onnx/onnx.proto3.json from onnx.proto3 with protobufjs' own parser,
// so the browser bundle loads a JSON descriptor (protobufjs/light) instead of parsing .proto text.
import protobuf from 'protobufjs';
import fs from 'node:fs';

const dir = new URL('../../src/core/importers/onnx/', import.meta.url);
const text = fs.readFileSync(new URL('onnx.proto3', dir), 'utf8');
const root = protobuf.parse(text, { keepCase: true }).root;
fs.writeFileSync(new URL('onnx.proto3.json', dir), JSON.stringify(root.toJSON()) + '\n');
