// One .NET Lambda function with everything it needs to run and fail visibly: an execution role holding only
// the given permissions, its log group with retention (declared before the function, so Lambda never creates
// a never-expiring one), an on-failure dead-letter queue for asynchronous invocations with bounded retries,
// and recursive-loop detection.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Architecture } from "../config";
import { runtimeVariables } from "../extractEnvironment";

/** An IAM policy statement as AWS reads it; kept as plain data so tests can parse every document. */
export interface PolicyStatement {
    readonly Sid: string;
    readonly Effect: "Allow" | "Deny";
    readonly Action: string | readonly string[];
    readonly Resource: pulumi.Input<string> | readonly pulumi.Input<string>[];
    readonly Condition?: Record<string, Record<string, pulumi.Input<string> | readonly pulumi.Input<string>[]>>;
}

export interface LambdaFunctionArgs {
    /** Physical function name; the log group is `/aws/lambda/<functionName>`. */
    readonly functionName: string;
    readonly description: string;
    /** `Assembly::Namespace.Class::Method` (infra/contract.json, "handlers"). */
    readonly handler: string;
    readonly code: pulumi.asset.Archive;
    readonly architecture: Architecture;
    readonly memoryMb: number;
    readonly timeoutSeconds: number;
    /** Temporary storage (/tmp) in MB, 512-10240; Lambda's 512 when not given. */
    readonly ephemeralStorageMb?: number;
    /** Concurrent executions reserved for the function, and the most it runs at once; none when not given. */
    readonly reservedConcurrency?: number;
    /** Names and ARNs only: never a secret value. */
    readonly environment: Record<string, pulumi.Input<string>>;
    /** The function's own permissions, beyond writing its logs and its dead-letter queue. */
    readonly statements: readonly PolicyStatement[];
    readonly logRetentionDays: number;
    /** Asynchronous invocation retries (0-2) before the invocation record (the event under requestPayload) goes to the dead-letter queue. */
    readonly retryAttempts: number;
    readonly maximumEventAgeSeconds?: number;
    /** ARN of the managed policy that bounds the execution role's permissions. */
    readonly permissionsBoundary?: pulumi.Input<string>;
}

export class LambdaFunction extends pulumi.ComponentResource {
    readonly function: aws.lambda.Function;
    readonly role: aws.iam.Role;
    readonly logGroup: aws.cloudwatch.LogGroup;
    readonly deadLetterQueue: aws.sqs.Queue;
    readonly name: pulumi.Output<string>;
    readonly arn: pulumi.Output<string>;

    constructor(name: string, args: LambdaFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
        super("spotify:etl:LambdaFunction", name, {}, opts);
        const child = { parent: this };

        this.logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, {
            name: `/aws/lambda/${args.functionName}`,
            retentionInDays: args.logRetentionDays,
        }, child);

        // Failed asynchronous invocations (after retries) land here as invocation records: the event under requestPayload, and the error.
        this.deadLetterQueue = new aws.sqs.Queue(`${name}-dlq`, {
            messageRetentionSeconds: 1209600, // 14 days, the maximum: time to notice and replay.
            sqsManagedSseEnabled: true,
        }, child);

        this.role = new aws.iam.Role(`${name}-role`, {
            description: `Execution role of ${args.functionName}`,
            permissionsBoundary: args.permissionsBoundary,
            assumeRolePolicy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [{
                    Effect: "Allow",
                    Principal: { Service: "lambda.amazonaws.com" },
                    Action: "sts:AssumeRole",
                }],
            }),
        }, child);

        const statements: PolicyStatement[] = [
            {
                Sid: "WriteOwnLogs",
                Effect: "Allow",
                Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                Resource: pulumi.interpolate`${this.logGroup.arn}:*`,
            },
            {
                Sid: "SendFailedEventsToDeadLetterQueue",
                Effect: "Allow",
                Action: "sqs:SendMessage",
                Resource: this.deadLetterQueue.arn,
            },
            ...args.statements,
        ];
        const policy = new aws.iam.RolePolicy(`${name}-policy`, {
            role: this.role.id,
            policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: statements }),
        }, child);

        this.function = new aws.lambda.Function(name, {
            name: args.functionName,
            description: args.description,
            runtime: aws.lambda.Runtime.Dotnet10,
            handler: args.handler,
            code: args.code,
            architectures: [args.architecture],
            memorySize: args.memoryMb,
            timeout: args.timeoutSeconds,
            ...(args.ephemeralStorageMb === undefined ? {} : { ephemeralStorage: { size: args.ephemeralStorageMb } }),
            ...(args.reservedConcurrency === undefined ? {} : { reservedConcurrentExecutions: args.reservedConcurrency }),
            role: this.role.arn,
            environment: { variables: { ...args.environment, ...runtimeVariables } },
            loggingConfig: { logFormat: "Text", logGroup: this.logGroup.name },
        }, { parent: this, dependsOn: [this.logGroup, policy] });

        new aws.lambda.FunctionRecursionConfig(`${name}-recursion`, {
            functionName: this.function.name,
            recursiveLoop: "Terminate",
        }, child);

        new aws.lambda.FunctionEventInvokeConfig(`${name}-async`, {
            functionName: this.function.name,
            maximumRetryAttempts: args.retryAttempts,
            maximumEventAgeInSeconds: args.maximumEventAgeSeconds ?? 21600,
            destinationConfig: { onFailure: { destination: this.deadLetterQueue.arn } },
        }, { parent: this, dependsOn: [policy] });

        this.name = this.function.name;
        this.arn = this.function.arn;
        this.registerOutputs({ name: this.name, arn: this.arn, deadLetterQueueUrl: this.deadLetterQueue.url });
    }
}
