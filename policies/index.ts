/**
 * The entra-consent policy pack: `pulumi preview --policy-pack policies`.
 * The only place that constructs the PolicyPack (it starts a gRPC server); everything else imports ./all.
 */
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./all";

new PolicyPack("entra-consent", { policies });
