// The workflows' view of the stacks (run from infra/: `npm run --prefix infra --silent ci -- <command>`).
//   publish         publishes the functions once for every architecture a Pulumi.<stack>.yaml uses, into
//                   .build/functions/<architecture>: the job that builds hands these folders to every stack job
//   stack <name>    prints `package-path=...`, `region=...` and `stack-name=...` for $GITHUB_OUTPUT: the folder
//                   to pass as functionsPackagePath, the stack's aws:region, and the stack's name as the backend
//                   wants it (org-qualified on Pulumi Cloud, from PULUMI_ORGANIZATION)
import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { awsRegionName, configKeys, projectName, retiredSpotifyKeys, type Architecture } from "../config";
import { defaultOutputRoot, functionsPackage } from "./publishFunctions";

const repositoryRoot = "..";

/** The stacks of the repository: one Pulumi.<stack>.yaml each at the root. */
export function stackNames(root: string = repositoryRoot): string[] {
    return fs.readdirSync(root)
        .map((file) => /^Pulumi\.([^.]+)\.yaml$/.exec(file)?.[1])
        .filter((stack): stack is string => stack !== undefined)
        .sort();
}

/** Credentials a stack may keep in its config when deployed from a laptop, never when the workflows preview and deploy it. */
const snowflakeCredentialKeys = ["snowflakePrivateKey", "snowflakePassword"] as const;

/**
 * Keys a stack the workflows run must not hold, since a pull request's preview may decrypt its config: the Snowflake
 * credentials, and the Spotify credentials an earlier version kept there. The program refuses the latter too, but only
 * once it runs, when the preview's code can already decrypt them; the workflows refuse both before Pulumi runs.
 */
export const workflowForbiddenKeys = [...snowflakeCredentialKeys, ...retiredSpotifyKeys] as const;

/** What to do instead of keeping the key in the stack's config. */
function insteadOf(key: (typeof workflowForbiddenKeys)[number]): string {
    return (snowflakeCredentialKeys as readonly string[]).includes(key)
        ? "give the key to the deploy jobs as the environment secret SNOWFLAKE_PRIVATE_KEY"
        : "the Spotify credentials live only in the stack's Secrets Manager secret, which a stack deployed by an earlier version "
            + "already holds with the refresh token rotated since, so do not copy this value back into it";
}

/**
 * The stack's own AWS settings the workflows cannot honour, and why: their jobs run as the role GitHub's OIDC token
 * assumes, which the bootstrap lets assume no other, on runners that hold none of your profiles or credentials files;
 * and keys in the config would be decrypted by a pull request's preview and used in place of that role.
 */
const workflowRefusedAwsKeys: Readonly<Record<string, string>> = {
    assumeRoles: "the workflows' roles may assume no other role: bootstrap the account this stack deploys into and point its "
        + "environment's AWS_ROLE_ARN at that bootstrap's role instead",
    assumeRoleWithWebIdentity: "the workflows already assume the environment's AWS_ROLE_ARN with GitHub's OIDC token",
    profile: "GitHub's runners hold none of your profiles: keep the profile in your shell (export AWS_PROFILE=...)",
    sharedConfigFiles: "GitHub's runners hold none of your AWS files: keep them in your shell's AWS_CONFIG_FILE",
    sharedCredentialsFiles: "GitHub's runners hold none of your AWS files: keep them in your shell's AWS_SHARED_CREDENTIALS_FILE",
    accessKey: "a pull request's preview may decrypt it, and the workflows deploy with the OIDC role, never with keys",
    secretKey: "a pull request's preview may decrypt it, and the workflows deploy with the OIDC role, never with keys",
    token: "a pull request's preview may decrypt it, and the workflows deploy with the OIDC role, never with keys",
};

export interface StackSettings {
    readonly architecture: Architecture;
    readonly region: string;
    /** Whether the stack loads Snowflake: its provider logs in to Snowflake even to preview, so a preview needs the key. */
    readonly snowflake: boolean;
}

/**
 * What a stack's settings file says (or the project default) about its functions' architecture and region. Refuses a
 * missing region, the credentials a stack the workflows run must not keep and the AWS settings the workflows cannot use,
 * unless `stackJob` is false: the package job reads every stack's architecture, and one stack's settings stop that
 * stack's own job, not every stack's.
 */
export function stackSettings(stack: string, root: string = repositoryRoot, stackJob = true): StackSettings {
    const file = path.join(root, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) {
        throw new Error(`${file} does not exist: the stacks are ${stackNames(root).join(", ")}`);
    }
    const config = (yaml.load(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | undefined)?.config ?? {};
    const declared = configKeys.find((k) => k.key === "functionArchitecture")?.default;
    const architecture = config[`${projectName}:functionArchitecture`] ?? declared;
    if (architecture !== "arm64" && architecture !== "x86_64") {
        throw new Error(`${file}: ${projectName}:functionArchitecture must be arm64 or x86_64 (got ${String(architecture)})`);
    }
    const region = config["aws:region"];
    const snowflake = config[`${projectName}:snowflakeEnabled`] ?? configKeys.find((k) => k.key === "snowflakeEnabled")?.default;
    const settings: StackSettings = { architecture, region: typeof region === "string" ? region : "", snowflake: snowflake === true || snowflake === "true" };
    if (!stackJob) {
        return settings;
    }
    if (settings.region === "") {
        throw new Error(`${file} sets no aws:region: the workflow needs it to request AWS credentials`);
    }
    // A pull request's preview may decrypt the stack's config: a stack the workflows run keeps no credential there.
    for (const key of workflowForbiddenKeys) {
        const value = config[`${projectName}:${key}`];
        if (value !== undefined && value !== "") {
            throw new Error(`${file} holds ${projectName}:${key}, which a pull request's preview may decrypt: remove it `
                + `(pulumi config rm ${key} --stack ${stack}); ${insteadOf(key)}`);
        }
    }
    for (const [key, why] of Object.entries(workflowRefusedAwsKeys)) {
        const value = config[`aws:${key}`];
        if (value !== undefined && value !== null && value !== "" && !(Array.isArray(value) && value.length === 0)) {
            throw new Error(`${file} sets aws:${key}, which the workflows' preview and deployment cannot use: remove it `
                + `(pulumi config rm aws:${key} --stack ${stack}); ${why}`);
        }
    }
    return settings;
}

/**
 * The stack's name for `pulumi --stack`: on Pulumi Cloud (no PULUMI_BACKEND_URL) `<organization>/<project>/<stack>`,
 * since an unqualified name means the token owner's default organization; on an S3 backend the plain name, once
 * the URL names the bucket's region (without it, a stack in another region cannot reach its state).
 */
export function qualifiedStackName(stack: string, backendUrl: string, organization: string): string {
    if (backendUrl !== "") {
        if (backendUrl.startsWith("s3://") && !new RegExp(`[?&]region=${awsRegionName}(&|$)`).test(backendUrl)) {
            throw new Error(`PULUMI_BACKEND_URL ${backendUrl.replace(/\?.*$/, "")} names no region: use s3://<bucket>?region=<the bucket's region> `
                + "(the bootstrap's output `backend`), or the stacks in other regions cannot reach their state");
        }
        return stack;
    }
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(organization)) {
        throw new Error("PULUMI_ORGANIZATION is not set: with Pulumi Cloud as the backend, set the repository variable PULUMI_ORGANIZATION "
            + "to the organization that owns the stacks (or set PULUMI_BACKEND_URL for a self-managed backend)");
    }
    return `${organization}/${projectName}/${stack}`;
}

/**
 * What a stack's preview or deployment job takes from its settings, as the `name=value` lines of the step's outputs:
 * the package for its architecture, its region, whether it loads Snowflake, its qualified name. Throws, saying what to
 * change, where the job must stop before its preview (a credential in the config, no region, AWS settings it cannot use).
 */
export function stackJobOutputs(stack: string, root = repositoryRoot, env: NodeJS.ProcessEnv = process.env): string[] {
    const settings = stackSettings(stack, root);
    return [
        `package-path=${path.join(defaultOutputRoot, settings.architecture)}`,
        `region=${settings.region}`,
        `snowflake=${settings.snowflake}`,
        `stack-name=${qualifiedStackName(stack, env["PULUMI_BACKEND_URL"] ?? "", env["PULUMI_ORGANIZATION"] ?? "")}`,
    ];
}

function main(argv: readonly string[]): void {
    const [command, stack] = argv;
    if (command === "publish") {
        const architectures = [...new Set(stackNames().map((s) => stackSettings(s, repositoryRoot, false).architecture))];
        for (const architecture of architectures) {
            const folder = functionsPackage({ packagePath: "", architecture, log: (m) => console.error(m) });
            console.log(`${architecture}: ${folder}`);
        }
    } else if (command === "stack" && stack !== undefined) {
        for (const line of stackJobOutputs(stack)) {
            console.log(line);
        }
    } else {
        console.error("usage: npm run --prefix infra --silent ci -- publish | stack <name>");
        process.exitCode = 64;
    }
}

if (require.main === module) {
    try {
        main(process.argv.slice(2));
    } catch (error) {
        console.error((error as Error).message);
        process.exitCode = 1;
    }
}
