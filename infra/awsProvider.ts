// The AWS provider every resource of the stack is made with.
//
// The program makes its provider itself, to give every resource the stack's default tags. An explicit provider reads
// none of the stack's `aws:*` settings: only Pulumi's default provider takes them from the config. Without this, a
// stack whose settings name a profile (`pulumi config set aws:profile ...`), a role to assume or the accounts it may
// deploy into would deploy with whatever credentials the shell holds, into whichever account those reach. So every
// setting the default provider would read is handed on here, as the config gives it; the region is the one the
// program's own config checked, and the default tags are the stack's with the program's on top.
import * as aws from "@pulumi/aws";
import * as awsSettings from "@pulumi/aws/config/vars";
import * as pulumi from "@pulumi/pulumi";

/** The provider settings the program gives itself, not handed on from the stack's config. */
export const programSettings = ["region", "defaultTags"] as const;

/**
 * The stack's `aws:*` settings, as the default provider reads them, but for the program's own: only those the stack sets
 * (the provider's defaults stay its own, and a stack without settings declares the provider as before). A setting the stack
 * stores encrypted (`pulumi config set --secret`: a web identity token, a proxy URL with a password) stays a secret in the
 * provider's inputs, as in the default provider's: the getters hand it over decrypted, and the provider itself marks only
 * its access keys and session token secret.
 */
export function stackSettings(): Partial<aws.ProviderArgs> {
    const set = new pulumi.Config("aws");
    const runtime = pulumi.runtime as unknown as { isConfigSecret?: (fullKey: string) => boolean };
    const settings: Record<string, unknown> = {};
    for (const key of Object.keys(awsSettings)) {
        if (set.get(key) !== undefined && !(programSettings as readonly string[]).includes(key)) {
            const value = (awsSettings as Record<string, unknown>)[key];
            settings[key] = runtime.isConfigSecret?.(`aws:${key}`) === true ? pulumi.secret(value) : value;
        }
    }
    return settings as Partial<aws.ProviderArgs>;
}

/** The stack's provider: its `aws:*` settings, the region checked, and the stack's default tags under the program's. */
export function stackProvider(region: string, tags: Record<string, string>): aws.Provider {
    return new aws.Provider("aws", {
        ...stackSettings(),
        region: region as aws.Region,
        defaultTags: { tags: { ...awsSettings.defaultTags?.tags, ...tags } },
    });
}
