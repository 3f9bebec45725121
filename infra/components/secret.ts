// The Spotify credentials, held only in Secrets Manager. The stack declares the secret and never its value: the
// value is put there by whoever holds the credentials (`aws secretsmanager put-secret-value --region <region>
// --secret-id <spotifySecretArn> --secret-string file://<credentials file>`, or the console), and the extract function stores rotated refresh tokens in it. So
// the credentials are in no Pulumi config, state or preview, and a role that runs the program cannot read them
// (what that role deploys can: docs/stack.md says what guards the deploys).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface SpotifySecretArgs {
    readonly recoveryWindowInDays: number;
    /** Protect and retain the secret (production): it holds the only copy of a rotated refresh token. */
    readonly protect?: boolean;
}

export class SpotifySecret extends pulumi.ComponentResource {
    readonly arn: pulumi.Output<string>;
    readonly name: pulumi.Output<string>;

    constructor(name: string, args: SpotifySecretArgs, opts?: pulumi.ComponentResourceOptions) {
        super("spotify:etl:SpotifySecret", name, {}, opts);

        const secret = new aws.secretsmanager.Secret(name, {
            description: "Spotify app credentials of the extract function: JSON {client_id, client_secret, refresh_token, authorized_at}, "
                + "put by its owner (aws secretsmanager put-secret-value). The function writes rotated refresh tokens back.",
            recoveryWindowInDays: args.recoveryWindowInDays,
        }, { parent: this, protect: args.protect === true, retainOnDelete: args.protect === true });

        this.arn = secret.arn;
        this.name = secret.name;
        this.registerOutputs({ arn: this.arn });
    }
}
