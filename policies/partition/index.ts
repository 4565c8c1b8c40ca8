import { Guardrail } from "../lib/guardrail";
import { awsResourceRegionAllowed } from "./awsResourceRegionAllowed";
import { awsResourcePartitionConsistent } from "./awsResourcePartitionConsistent";

export const partitionGuardrails: Guardrail[] = [awsResourcePartitionConsistent, awsResourceRegionAllowed];
