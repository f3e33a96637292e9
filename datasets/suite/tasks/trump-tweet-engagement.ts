// Built-in task "trump-tweet-engagement": Tweet Engagement.
import type { BuiltinTaskDefinition } from "../definition.js";
import { column, select, withColumn } from "../frame.js";
import { randomNote, meanTask } from "../recipes.js";
import { loadRDataset } from "../sources.js";

export const trumpTweetEngagement: BuiltinTaskDefinition = {
  id: "trump-tweet-engagement",
  title: "Tweet Engagement",
  data_type: "text",
  metric: { name: "mcrmse" },
  id_column: "id",
  target_columns: ["log_retweets", "log_favorites"],
  size: "small",
  overview:
    "How much engagement will a tweet get? Each row is one tweet from Donald Trump's account (2009–2017) with its text, posting time and client. Predict two targets: log(1 + retweet count) and log(1 + favourite count).",
  predict: "log(1 + retweets) and log(1 + favourites)",
  columns: {
    source: "client the tweet was posted from",
    text: "tweet text",
    created_at: "posting time (UTC)",
    is_retweet: "TRUE if the tweet is a retweet",
    in_reply_to_user_id_str: "id of the user replied to (empty if none)",
    log_retweets: "natural log of 1 + retweet count (target)",
    log_favorites: "natural log of 1 + favourite count (target)",
  },
  async build() {
    const { frame, info } = await loadRDataset("dslabs", "trump_tweets");
    const log1p = (name: string) => column(frame, name).map((v) => String(Math.log1p(Number(v))));
    let f = select(frame, ["source", "text", "created_at", "is_retweet", "in_reply_to_user_id_str"]);
    f = withColumn(withColumn(f, "log_retweets", log1p("retweet_count")), "log_favorites", log1p("favorite_count"));
    return { files: meanTask(f, ["log_retweets", "log_favorites"]), source: info, splitNote: randomNote };
  },
};
