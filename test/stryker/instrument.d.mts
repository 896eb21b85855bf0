import type { InstrumentResult } from "@stryker-mutator/instrumenter";

/** Instruments `files`, every one to be mutated, as Stryker's defaults do (./instrument.mjs). */
export declare function instrument(files: readonly { readonly name: string; readonly content: string }[]): Promise<InstrumentResult>;
