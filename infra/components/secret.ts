// The Spotify credentials, held only in Secrets Manager. The value comes from Pulumi secret config and stays
// a Pulumi secret throughout, so it is encrypted in the state file and masked in previews.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { contract } from "../lakeContract";

export interface SpotifySecretArgs {
    readonly clientId: pulumi.Input<string>;
    readonly clientSecret: pulumi.Input<string>;
    /** Empty = client-credentials only: the key is left out of the JSON. */
    readonly refreshToken: pulumi.Input<string>;
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
            description: "Spotify app credentials of the extract function: JSON {client_id, client_secret, refresh_token}. The function writes rotated refresh tokens back.",
            recoveryWindowInDays: args.recoveryWindowInDays,
        }, { parent: this, protect: args.protect === true, retainOnDelete: args.protect === true });

        // Contract shape (contract.json "secret"): {"client_id":"…","client_secret":"…","refresh_token":"…"}; refresh_token absent when empty.
        const keys = contract.secret;
        const value = pulumi.secret(pulumi.all([args.clientId, args.clientSecret, args.refreshToken])
            .apply(([clientId, clientSecret, refreshToken]) => JSON.stringify(
                refreshToken === ""
                    ? { [keys.clientId]: clientId, [keys.clientSecret]: clientSecret }
                    : { [keys.clientId]: clientId, [keys.clientSecret]: clientSecret, [keys.refreshToken]: refreshToken })));

        new aws.secretsmanager.SecretVersion(`${name}-value`, {
            secretId: secret.id,
            secretString: value,
        }, {
            parent: this,
            // The extract function stores rotated refresh tokens as new versions (PutSecretValue); Pulumi must not
            // treat the moved AWSCURRENT label as drift to undo.
            ignoreChanges: ["versionStages"],
        });

        this.arn = secret.arn;
        this.name = secret.name;
        this.registerOutputs({ arn: this.arn });
    }
}
