// Wait for an account assignment handed over by an earlier pipeline step, then grant a second
// access that must come only after it. Config: instanceArn and requestId (from
// CreateAccountAssignment), auditorsGroupId and auditPermissionSetArn; optionally
// timeoutSeconds.
import * as pulumi from "@pulumi/pulumi";
import * as waiter from "@pulumi/ssoadmin-waiter";

const config = new pulumi.Config();

// Blocks `pulumi up` until the request is SUCCEEDED (or fails it, naming the FailureReason).
const assignment = new waiter.AssignmentCreationStatus(
    "handoff",
    {
        instanceArn: config.require("instanceArn"),
        requestId: config.require("requestId"),
        timeoutSeconds: config.getNumber("timeoutSeconds"), // unset: 300
    },
    { customTimeouts: { create: "20m" } }, // customTimeouts win over timeoutSeconds
);

// Created only once the handed-over assignment exists: it depends on its outputs.
const auditors = new waiter.AccountAssignment("auditors", {
    instanceArn: assignment.instanceArn,
    permissionSetArn: config.require("auditPermissionSetArn"),
    principalType: "GROUP",
    principalId: config.require("auditorsGroupId"),
    targetId: assignment.targetId.apply((id) => id ?? ""),
});

// A read-only look at the same request, for programs that do not wait.
const seen = waiter.getRequestStatusOutput({
    kind: "creation",
    instanceArn: assignment.instanceArn,
    requestId: assignment.requestId,
});

export const status = assignment.status;
export const failureReason = assignment.failureReason;
export const createdDate = assignment.createdDate;
export const auditorsStatus = auditors.status;
export const statusNow = seen.status;
