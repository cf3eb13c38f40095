import type { Server } from "node:http";

export declare const DEMO_MODEL: string;
export declare function startDemoModel(port: number): Promise<Server>;
