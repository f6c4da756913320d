import type { HealthStatus } from "@switchyard/contracts";
import { Badge } from "@/components/ui";
import { healthLabel, healthTone } from "./format";

export function HealthBadge({ health }: { health: HealthStatus }) {
  return <Badge tone={healthTone[health]}>{healthLabel[health]}</Badge>;
}
