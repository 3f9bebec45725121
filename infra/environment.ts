/**
 * Declares a provider with some environment variables hidden from the Pulumi SDK. Given no value for a credential,
 * a provider's SDK copies it from the environment into the provider's inputs, which the state records in plain text
 * (the GitHub SDK does so with GITHUB_TOKEN, Snowflake's with SNOWFLAKE_PASSWORD and SNOWFLAKE_PRIVATE_KEY_PASSPHRASE).
 * The provider's plugin reads the same variables from its own environment (the Pulumi CLI's) when it starts, so they
 * are hidden for the declaration only, and put back whatever it throws.
 */
export function declaredWithout<T>(names: readonly string[], declare: () => T): T {
    const kept = names.map((name) => [name, process.env[name]] as const);
    for (const name of names) {
        delete process.env[name];
    }
    try {
        return declare();
    } finally {
        for (const [name, value] of kept) {
            if (value !== undefined) {
                process.env[name] = value;
            }
        }
    }
}
