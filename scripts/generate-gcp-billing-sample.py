#!/usr/bin/env python3
"""Writes configs/samples/gcp/billing_export_sample.ndjson: a small, deterministic sample of rows shaped
like GCP's standard usage cost export (nested service/sku/project, labels, negative credits, tax,
adjustment and account-level rows without a project). Re-run to regenerate; the output is committed."""
import json
import random
import sys
from datetime import datetime, timedelta, timezone

SERVICES = [
    ("6F81-5844-456A", "Compute Engine", [("2E27-4F75-95CD", "N2 Instance Core running in Americas", "seconds", "hour", 3600, 0.031611),
                                          ("D973-5D65-BAB2", "Storage PD Capacity", "byte-seconds", "gibibyte month", 2.8e15, 0.04)]),
    ("95FF-2EF5-5EA1", "Cloud Storage", [("E5F0-6A5D-7BAD", "Standard Storage US Multi-region", "byte-seconds", "gibibyte month", 2.8e15, 0.026)]),
    ("24E6-581D-38E5", "BigQuery", [("3362-E469-6BEF", "Analysis", "bytes", "tebibyte", 1.1e12, 6.25)]),
    ("152E-C115-5142", "Cloud Run", [("A0A5-8A0B-96E2", "CPU Allocation Time", "vCPU-seconds", "vCPU-second", 1, 0.000024)]),
]
PROJECTS = [
    {"id": "acme-prod", "number": "481516234200", "name": "Acme Production",
     "labels": [{"key": "env", "value": "prod"}, {"key": "team", "value": "platform"}], "ancestry_numbers": "/9001/481516234200/"},
    {"id": "acme-analytics", "number": "481516234201", "name": "Acme Analytics",
     "labels": [{"key": "env", "value": "prod"}, {"key": "team", "value": "data"}], "ancestry_numbers": "/9001/481516234201/"},
    {"id": "acme-dev", "number": "481516234202", "name": "Acme Dev",
     "labels": [{"key": "env", "value": "dev"}], "ancestry_numbers": "/9001/481516234202/"},
]
DAYS = ["2025-11-14", "2025-11-15", "2025-11-16"]
ACCOUNT = "01A2B3-C4D5E6-F7A8B9"


def ts(day, hour):
    return (datetime.fromisoformat(day).replace(tzinfo=timezone.utc) + timedelta(hours=hour)).strftime("%Y-%m-%d %H:%M:%S UTC")


def row(day, hour, service, sku, project, cost, usage_amount, credits=(), cost_type="regular", labels=(), adjustment=None):
    invoice_month = day[:7].replace("-", "")
    return {
        "billing_account_id": ACCOUNT,
        "invoice": {"month": invoice_month, "publisher_type": "Google"},
        "cost_type": cost_type,
        "service": {"id": service[0], "description": service[1]},
        "sku": {"id": sku[0], "description": sku[1]},
        "usage_start_time": ts(day, hour),
        "usage_end_time": ts(day, hour + 1),
        "project": project,
        "labels": [{"key": k, "value": v} for k, v in labels],
        "system_labels": [],
        "location": {"location": "us-central1", "country": "US", "region": "us-central1", "zone": None},
        "export_time": ts(day, hour + 5),
        "cost": round(cost, 6),
        "currency": "USD",
        "currency_conversion_rate": 1.0,
        "usage": {"amount": usage_amount, "unit": sku[2], "amount_in_pricing_units": round(usage_amount / sku[4], 9), "pricing_unit": sku[3]},
        "credits": list(credits),
        "adjustment_info": adjustment,
        "cost_at_list": round(cost * 1.1, 6),
        "transaction_type": "GOOGLE",
        "seller_name": None,
    }


def main(path):
    rng = random.Random(20251115)
    rows = []
    for day in DAYS:
        for hour in range(0, 24, 6):
            for service in SERVICES:
                for sku in service[2]:
                    for project in PROJECTS:
                        usage = round(rng.uniform(0.5, 4.0) * sku[4], 3)
                        cost = usage / sku[4] * sku[5] * rng.uniform(0.9, 1.1)
                        credits = []
                        if service[1] == "Compute Engine" and rng.random() < 0.6:
                            credits.append({"name": "Sustained Usage Discount", "amount": round(-cost * 0.2, 6),
                                            "full_name": "Sustained usage discount", "id": "SUD-1", "type": "SUSTAINED_USAGE_DISCOUNT"})
                        if project["id"] == "acme-dev" and rng.random() < 0.5:
                            credits.append({"name": "Free tier", "amount": round(-min(cost, 0.05), 6),
                                            "full_name": "Free tier", "id": "FT-1", "type": "FREE_TIER"})
                        labels = [("app", rng.choice(["billing", "api", "etl"]))] if rng.random() < 0.7 else []
                        rows.append(row(day, hour, service, sku, project, cost, usage, credits, labels=labels))
        support = ("2062-016F-44A2", "Support", [("0B75-6D50-40F5", "Standard Support", "count", "count", 1, 0)])
        rows.append(row(day, 0, support, support[2][0], None, 29.0 / 30, 1))
        tax_service = ("0000-0000-0000", "Taxes", [("0000-0000-0001", "Sales tax", "count", "count", 1, 0)])
        rows.append(row(day, 0, tax_service, tax_service[2][0], PROJECTS[0], 3.141593, 1, cost_type="tax"))
    adjustment = {"id": "ADJ-42", "description": "Billing correction", "mode": "MANUAL_ADJUSTMENT", "type": "GENERAL_ADJUSTMENT"}
    rows.append(row("2025-11-15", 12, SERVICES[0], SERVICES[0][2][0], PROJECTS[0], -1.25, 0, cost_type="adjustment", adjustment=adjustment))
    with open(path, "w") as out:
        for r in rows:
            out.write(json.dumps(r, sort_keys=True, separators=(",", ":")) + "\n")
    print(f"wrote {len(rows)} rows to {path}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "configs/samples/gcp/billing_export_sample.ndjson")
