import { mergeMain } from './merge';

process.exit(mergeMain(process.argv.slice(2)));
