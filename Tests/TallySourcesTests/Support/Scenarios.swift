import Foundation

/// Fixture data for the LLM fixture server, in the providers' documented result shapes. Days are UTC; a day
/// that is absent comes back as an empty bucket.
enum Scenarios {
    static let openAIKey = "sk-admin-fixture-0123456789abcdef"
    static let anthropicKey = "sk-ant-admin01-fixture-0123456789abcdef"

    static func openAICost(
        _ value: Double, _ lineItem: String?, project: String?, quantity: Double?, unit: String? = "tokens"
    ) -> [String: Any] {
        [
            "object": "organization.costs.result", "amount": ["value": value, "currency": "usd"],
            "line_item": lineItem as Any, "project_id": project as Any, "api_key_id": NSNull(),
            "quantity": quantity as Any, "quantity_unit": unit as Any,
        ]
    }

    static func openAIUsage(
        model: String, project: String?, input: Int, cached: Int, output: Int, requests: Int
    ) -> [String: Any] {
        [
            "object": "organization.usage.completions.result", "input_tokens": input, "input_cached_tokens": cached,
            "output_tokens": output, "num_model_requests": requests, "project_id": project as Any,
            "model": model, "batch": false, "service_tier": "default", "user_id": NSNull(), "api_key_id": NSNull(),
            "input_audio_tokens": 0, "output_audio_tokens": 0,
        ]
    }

    /// Four days: an empty one, two full ones (one with a default-project charge), one with a zero charge.
    static var openAICosts: [String: [[String: Any]]] {
        [
            "2025-11-14": [
                openAICost(1.92, "gpt-4o, input", project: "proj_alpha", quantity: 768_000),
                openAICost(0.48, "gpt-4o, output", project: "proj_alpha", quantity: 48_000),
                openAICost(0.0123, "gpt-4o-mini, input", project: "proj_beta", quantity: 82_000),
            ],
            "2025-11-15": [
                openAICost(2.5, "o3, output", project: nil, quantity: 62_500),
                openAICost(0.06, "tts-1, characters", project: "proj_beta", quantity: 4_000, unit: "characters"),
                openAICost(0.333333, "gpt-4o, input", project: "proj_alpha", quantity: 133_333),
            ],
            "2025-11-16": [
                openAICost(0, "gpt-4o-mini, output", project: "proj_beta", quantity: 0),
                openAICost(7.25, "gpt-4o, input", project: "proj_alpha", quantity: 2_900_000),
            ],
        ]
    }

    static var openAIUsageDays: [String: [[String: Any]]] {
        [
            "2025-11-14": [
                openAIUsage(
                    model: "gpt-4o", project: "proj_alpha", input: 768_000, cached: 200_000, output: 48_000,
                    requests: 120),
                openAIUsage(
                    model: "gpt-4o-mini", project: "proj_beta", input: 82_000, cached: 0, output: 0, requests: 40),
            ],
            "2025-11-15": [
                openAIUsage(model: "o3", project: nil, input: 0, cached: 0, output: 62_500, requests: 5)
            ],
        ]
    }

    /// Daily totals of `openAICosts`, in dollars.
    static let openAIDailyTotals = ["2025-11-14": 2.4123, "2025-11-15": 2.893333, "2025-11-16": 7.25]

    static func openAI(
        costs: [String: [[String: Any]]] = openAICosts, pageSize: Int = 2, faults: [String: Any] = [:]
    ) -> [String: Any] {
        [
            "openai": [
                "key": openAIKey, "costs": costs, "usage": openAIUsageDays, "page_size": pageSize, "faults": faults,
            ]
        ]
    }
}

extension Scenarios {
    static let anthropicOrganization = ["id": "org_fixture_anthropic", "name": "Acme AI"]

    static func anthropicCost(
        _ cents: String, _ description: String, costType: String = "tokens", model: String? = nil,
        tokenType: String? = nil, tier: String? = "standard", context: String? = "0-200k",
        workspace: String? = "wrkspc_prod"
    ) -> [String: Any] {
        [
            "amount": cents, "currency": "USD", "cost_type": costType, "description": description,
            "model": model as Any, "service_tier": tier as Any, "token_type": tokenType as Any,
            "context_window": context as Any, "workspace_id": workspace as Any, "inference_geo": NSNull(),
        ]
    }

    static func anthropicUsage(
        workspace: String?, model: String, tier: String = "standard", context: String = "0-200k", input: Int,
        output: Int, cacheRead: Int = 0, webSearches: Int = 0
    ) -> [String: Any] {
        [
            "uncached_input_tokens": input, "output_tokens": output, "cache_read_input_tokens": cacheRead,
            "cache_creation": ["ephemeral_1h_input_tokens": 0, "ephemeral_5m_input_tokens": 0],
            "server_tool_use": ["web_search_requests": webSearches], "api_key_id": NSNull(),
            "workspace_id": workspace as Any, "model": model, "service_tier": tier, "context_window": context,
            "inference_geo": "global",
        ]
    }

    static let sonnet = "claude-sonnet-4-20250514"

    /// Cents strings: "4187.5" is $41.875. The 16th is still empty (cost data lags).
    static var anthropicCosts: [String: [[String: Any]]] {
        [
            "2025-11-14": [
                anthropicCost(
                    "4187.5", "Claude Sonnet 4 Usage - Output Tokens", model: sonnet, tokenType: "output_tokens"),
                anthropicCost(
                    "123.45", "Claude Sonnet 4 Usage - Input Tokens", model: sonnet,
                    tokenType: "uncached_input_tokens"),
                anthropicCost(
                    "50", "Claude Sonnet 4 Usage - Output Tokens", model: sonnet, tokenType: "output_tokens",
                    workspace: nil),
                anthropicCost("30", "Web Search", costType: "web_search", tier: nil, context: nil),
                anthropicCost("5", "Code Execution", costType: "code_execution", tier: nil, context: nil),
            ],
            "2025-11-15": [
                anthropicCost(
                    "0.5", "Claude Sonnet 4 Usage - Input Tokens", model: sonnet, tokenType: "uncached_input_tokens",
                    tier: "batch", context: "200k-1M"),
                anthropicCost(
                    "212.125", "Claude Sonnet 4 Usage - Cache Read", model: sonnet,
                    tokenType: "cache_read_input_tokens"),
            ],
        ]
    }

    static var anthropicUsageDays: [String: [[String: Any]]] {
        [
            "2025-11-14": [
                anthropicUsage(
                    workspace: "wrkspc_prod", model: sonnet, input: 411_500, output: 2_791_667, webSearches: 30),
                anthropicUsage(workspace: nil, model: sonnet, input: 0, output: 33_333),
            ],
            "2025-11-15": [
                anthropicUsage(
                    workspace: "wrkspc_prod", model: sonnet, tier: "batch", context: "200k-1M", input: 3_334, output: 0),
                anthropicUsage(workspace: "wrkspc_prod", model: sonnet, input: 0, output: 0, cacheRead: 7_070_833),
            ],
        ]
    }

    /// Daily totals of `anthropicCosts`, in dollars.
    static let anthropicDailyTotals = ["2025-11-14": 43.9595, "2025-11-15": 2.12625]

    static func anthropic(pageSize: Int = 2, faults: [String: Any] = [:]) -> [String: Any] {
        [
            "anthropic": [
                "key": anthropicKey, "organization": anthropicOrganization, "cost_report": anthropicCosts,
                "usage_report": anthropicUsageDays, "page_size": pageSize, "faults": faults,
            ]
        ]
    }
}
