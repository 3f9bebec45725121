// Reads the declared config keys: Pulumi.yaml's declarations, and a reader that records every problem under its key.
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as yaml from "js-yaml";
import { type ConfigKeySpec, type ConfigKeyType, projectName } from "./configTypes";

/**
 * Every project config key, as Pulumi.yaml declares it: its `config:` block is the one declaration of
 * each key's type, default, secrecy and description. This module adds only the validation; every key that
 * `pulumi config set` names in the README is checked against the same file.
 */
export const configKeys: readonly ConfigKeySpec[] = readProjectConfig(path.join(__dirname, "..", "Pulumi.yaml"));

function readProjectConfig(file: string): ConfigKeySpec[] {
    const project = yaml.load(fs.readFileSync(file, "utf8")) as { config?: Record<string, Partial<ConfigKeySpec> & { items?: unknown }> };
    return Object.entries(project.config ?? {}).map(([key, declared]) => {
        if (!["string", "integer", "boolean", "array"].includes(String(declared.type)) || typeof declared.description !== "string") {
            throw new Error(`${file}: config key ${key} needs a type (string, integer, boolean or array) and a description`);
        }
        return {
            key,
            type: declared.type as ConfigKeyType,
            description: declared.description,
            ...(declared.default === undefined ? {} : { default: declared.default }),
            ...(declared.secret === true ? { secret: true } : {}),
        };
    });
}

/** The keys the last loadConfig() read: every declared key must be one of them. */
export const keysRead = new Set<string>();


/** Raised for invalid configuration; its message names every offending key. */
export class ConfigValidationError extends pulumi.RunError {
    constructor(readonly problems: readonly string[]) {
        super(`Invalid stack configuration:\n  - ${problems.join("\n  - ")}`);
        this.name = "ConfigValidationError";
    }
}

/** Reads raw values (strings as the engine passes them) and records problems under the full key name. */
export class Reader {
    readonly problems: string[] = [];
    private readonly config = new pulumi.Config(projectName);

    private spec(key: string): ConfigKeySpec {
        keysRead.add(key);
        const spec = configKeys.find((k) => k.key === key);
        if (spec === undefined) {
            throw new Error(`config key ${key} is read but not declared in Pulumi.yaml`);
        }
        return spec;
    }

    /**
     * Whether the stack sets a retired key (declared with an empty default so that the CLI's check of undeclared
     * keys lets the program say what to do). Presence only: the value, perhaps a secret, is never read as one.
     */
    setsRetired(key: string): boolean {
        this.spec(key);
        const value = pulumi.runtime.getConfig(`${projectName}:${key}`);
        return value !== undefined && value !== "";
    }

    fail(key: string, message: string): void {
        this.problems.push(`${projectName}:${key} ${message}`);
    }

    string(key: string, check?: (v: string) => string | undefined): string {
        const spec = this.spec(key);
        const value = this.config.get(key) ?? (spec.default as string | undefined) ?? "";
        const problem = check?.(value);
        if (problem !== undefined) {
            this.fail(key, `${problem} (got "${value}")`);
        }
        return value;
    }

    oneOf<T extends string>(key: string, allowed: readonly T[]): T {
        return this.string(key, (v) => (allowed.includes(v as T) ? undefined : `must be one of ${allowed.join(", ")}`)) as T;
    }

    integer(key: string, min: number, max: number, extra?: (v: number) => string | undefined): number {
        const spec = this.spec(key);
        const raw = this.config.get(key);
        const value = raw === undefined ? (spec.default as number) : Number(raw.trim());
        if (raw !== undefined && (raw.trim() === "" || !Number.isInteger(value))) {
            this.fail(key, `must be an integer (got "${raw}")`);
            return spec.default as number;
        }
        if (value < min || value > max) {
            this.fail(key, `must be between ${min} and ${max} (got ${value})`);
        } else {
            const problem = extra?.(value);
            if (problem !== undefined) {
                this.fail(key, `${problem} (got ${value})`);
            }
        }
        return value;
    }

    boolean(key: string): boolean {
        const spec = this.spec(key);
        const raw = this.config.get(key);
        if (raw === undefined) {
            return spec.default as boolean;
        }
        if (raw !== "true" && raw !== "false") {
            this.fail(key, `must be true or false (got "${raw}")`);
            return spec.default as boolean;
        }
        return raw === "true";
    }

    stringArray(key: string): readonly string[] {
        const spec = this.spec(key);
        const raw = this.config.get(key);
        if (raw === undefined) {
            return spec.default as readonly string[];
        }
        let parsed: unknown;
        try {
            parsed = JSON.parse(raw);
        } catch {
            this.fail(key, `must be a list of strings (got "${raw}")`);
            return [];
        }
        if (!Array.isArray(parsed) || !parsed.every((e): e is string => typeof e === "string")) {
            this.fail(key, `must be a list of strings (got ${raw})`);
            return [];
        }
        return parsed;
    }

    /** Whether the stack sets the key to something (read without the secret-access warning of Config.get); its default is empty. */
    isSet(key: string): boolean {
        this.spec(key);
        return (pulumi.runtime.getConfig(`${projectName}:${key}`) ?? "") !== "";
    }

    /**
     * Whether the stack stores the key encrypted (`pulumi config set --secret`). The credential keys cannot be declared
     * secret in Pulumi.yaml: a declared secret needs a value on every stack, or a default that CLIs before mid-2026
     * refuse as unencrypted. The runtime knows which keys came encrypted: every Pulumi CLI since 3.2 (2021) names them to
     * the program (PULUMI_CONFIG_SECRET_KEYS). A CLI older than that names none, and a credential set on it is refused as
     * plain text; an SDK without `isConfigSecret` cannot say, and the value is taken.
     */
    isStoredSecret(key: string): boolean {
        this.spec(key);
        const runtime = pulumi.runtime as unknown as { isConfigSecret?: (fullKey: string) => boolean };
        return runtime.isConfigSecret?.(`${projectName}:${key}`) ?? true;
    }

    secret(key: string): pulumi.Output<string> {
        this.spec(key);
        return this.config.getSecret(key) ?? pulumi.secret("");
    }
}
