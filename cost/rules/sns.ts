/** SNS: the alarm topics, their policies and subscriptions are free at this volume. */
import type { Rule } from "./common";
import { free } from "./common";

export const SNS_RULES: Readonly<Record<string, Rule>> = {
  "aws:sns/topic:Topic": free(
    "SNS topics have no charge; alarm notifications (a few a month) stay far inside the account's free million publishes and 1,000 emails",
  ),
  "aws:sns/topicPolicy:TopicPolicy": free("a topic policy has no charge"),
  "aws:sns/topicSubscription:TopicSubscription": free(
    "a subscription has no charge; its deliveries are covered under the topic's line",
  ),
};
