#include "agent/runner/runner.h"

#include <algorithm>
#include <exception>

#include "collectors/system/host_identity.h"
#include "platform/host.h"

namespace hozen::runner {
namespace {

// The Sink a collector writes to: stamps, counts and forwards records to the writer.
class RecordSink final : public collectors::Sink {
 public:
  RecordSink(std::string id, bundle::BundleWriter& w, const collectors::Limits& limits,
             std::atomic<bool>& stop, const std::function<void(const v1::Record&)>* observe,
             collectors::SharedReads* shared)
      : id_(std::move(id)), observe_(observe), shared_(shared), writer_(w), limits_(limits), stop_(stop) {}

  bool emit(v1::Record&& r) override {
    if (emitted_ >= limits_.max_records_per_collector) {
      limit_hit_ = true;
      return false;
    }
    return append(r);
  }

  bool anomaly(std::string_view kind, std::string_view path, std::uint64_t line,
               std::string_view detail, std::string_view raw) override {
    ++anomalies_;
    v1::Record r;
    auto* a = r.mutable_anomaly();
    a->set_kind(std::string(kind));
    a->set_path(std::string(path));
    a->set_line(line);
    a->set_detail(std::string(detail));
    std::size_t keep = std::min(raw.size(), limits_.max_anomaly_raw_bytes);
    a->set_raw(std::string(raw.substr(0, keep)));
    a->set_raw_truncated(keep < raw.size());
    return append(r);
  }

  bool item_error(std::string_view item, const platform::Error& e) override {
    v1::ItemStatus st = collectors::status_for(e);
    this->item(st);
    if (e.err != 0) errors_[e.err]++;
    v1::Record r;
    auto* ie = r.mutable_item_error();
    ie->set_item(std::string(item));
    ie->set_status(st);
    ie->set_errno_value(e.err);
    if (e.err != 0) ie->set_errno_name(platform::errno_name(e.err));
    ie->set_operation(e.operation);
    ie->set_detail(e.detail);
    return append(r);
  }

  void item(v1::ItemStatus status) override { items_[status]++; }

  std::uint64_t emitted_ = 0;
  std::uint64_t anomalies_ = 0;
  std::uint64_t dropped_ = 0;
  bool limit_hit_ = false;
  std::map<int, std::uint64_t> items_;
  std::map<int, std::uint64_t> errors_;

 private:
  bool append(v1::Record& r) {
    r.set_collector(id_);
    r.set_utc_ns(platform::realtime_ns());
    switch (writer_.append(r)) {
      case bundle::AppendResult::kOk:
        ++emitted_;
        if (observe_ != nullptr && *observe_) (*observe_)(r);
        if (shared_ != nullptr) collectors::note_referenced_files(r, shared_->referenced);
        return !stop_.load();
      case bundle::AppendResult::kTooLarge:
        ++dropped_;
        items_[v1::ITEM_FAILED]++;
        return !stop_.load();
      case bundle::AppendResult::kStopped:
        ++dropped_;
        stop_ = true;
        return false;
    }
    return false;
  }

  std::string id_;
  const std::function<void(const v1::Record&)>* observe_ = nullptr;
  collectors::SharedReads* shared_ = nullptr;
  bundle::BundleWriter& writer_;
  const collectors::Limits& limits_;
  std::atomic<bool>& stop_;
};

void emit_clock(bundle::BundleWriter& w, std::string_view label) {
  v1::Record r;
  r.set_utc_ns(platform::realtime_ns());
  *r.mutable_clock() = collectors::system::to_proto(platform::read_clocks(), label);
  w.append(r);
}

}  // namespace

const char* run_status_name(v1::RunStatus s) {
  switch (s) {
    case v1::RUN_OK: return "ok";
    case v1::RUN_PARTIAL: return "partial";
    case v1::RUN_FAILED: return "failed";
    case v1::RUN_SKIPPED: return "skipped";
    case v1::RUN_CANCELLED: return "cancelled";
    default: return "unspecified";
  }
}

platform::Result<std::vector<Selection>> plan_run(
    const std::vector<std::unique_ptr<collectors::Collector>>& registry,
    const std::vector<std::string>& only, const std::vector<std::string>& skip, bool have_live) {
  auto known = [&](const std::string& id) {
    return std::any_of(registry.begin(), registry.end(),
                       [&](const auto& c) { return c->id() == id; });
  };
  for (const auto* list : {&only, &skip}) {
    for (const auto& id : *list) {
      if (!known(id)) {
        return platform::Unexpected(platform::Error::make(platform::ErrorKind::kInvalidArgument,
                                                     "select", id, "unknown collector"));
      }
    }
  }
  std::vector<Selection> plan;
  for (const auto& c : registry) {
    std::string id(c->id());
    bool listed = std::find(only.begin(), only.end(), id) != only.end();
    bool skipped = std::find(skip.begin(), skip.end(), id) != skip.end();
    if (!only.empty() && !listed) {
      plan.push_back({c.get(), false, "not in --only"});
    } else if (only.empty() && !c->default_enabled()) {
      if (!c->default_enabled() && id.starts_with("test_")) continue;  // test collectors: silent
      plan.push_back({c.get(), false, "not a default collector"});
    } else if (skipped) {
      plan.push_back({c.get(), false, "--skip"});
    } else if (c->live_only() && !have_live) {
      plan.push_back({c.get(), false, "needs the live kernel (--root given)"});
    } else {
      plan.push_back({c.get(), true, {}});
    }
  }
  return plan;
}

void start_early(const std::vector<Selection>& plan, const RunSettings& s) {
  // Work collectors can begin early, in the gaps the ones before them leave on the cores. The
  // context lives for this call only (the collectors keep what they need, and the stop flag).
  collectors::Context early(*s.host, s.live, s.facts, s.limits, s.config, *s.stop, s.global_deadline_mono_ns);
  for (const auto& sel : plan) {
    try {
      if (sel.run) sel.collector->start_early(early);
    } catch (...) {
      // Only an optimisation: collect() does the same work in its turn.
    }
  }
}

void stop_early(const std::vector<Selection>& plan) {
  for (const auto& sel : plan) {
    if (sel.run) sel.collector->stop_early();
  }
}

RunResult run(const std::vector<Selection>& plan, const RunSettings& s,
              bundle::BundleWriter& writer) {
  RunResult result;
  std::atomic<bool>& stop = *s.stop;
  std::uint32_t order = 0;
  collectors::SharedReads shared;  // reads one collector hands to a later one (the fd scan)
  emit_clock(writer, "start");
  if (!s.early_started) start_early(plan, s);
  for (const auto& sel : plan) {
    v1::CollectorRun run;
    run.set_collector_id(std::string(sel.collector->id()));
    run.set_order(order++);
    std::int64_t now_mono = platform::monotonic_ns();
    run.set_start_utc_ns(platform::realtime_ns());
    run.set_start_monotonic_ns(now_mono);
    if (!sel.run || stop.load() ||
        (s.global_deadline_mono_ns > 0 && now_mono >= s.global_deadline_mono_ns)) {
      run.set_status(sel.run ? v1::RUN_CANCELLED : v1::RUN_SKIPPED);
      run.set_status_detail(sel.run ? "not started: the run was stopped" : sel.reason);
      run.set_end_utc_ns(run.start_utc_ns());
      run.set_end_monotonic_ns(now_mono);
    } else {
      emit_clock(writer, "before:" + run.collector_id());
      std::int64_t deadline = s.global_deadline_mono_ns;
      if (s.per_collector_ms > 0) {
        std::int64_t mine = now_mono + s.per_collector_ms * 1'000'000;
        deadline = deadline > 0 ? std::min(deadline, mine) : mine;
      }
      collectors::Context ctx(*s.host, s.live, s.facts, s.limits, s.config, stop, deadline);
      ctx.set_shared(&shared);
      ctx.set_progress(s.progress);
      RecordSink sink(run.collector_id(), writer, s.limits, stop, &s.observe, &shared);
      collectors::Outcome out;
      try {
        out = sel.collector->collect(ctx, sink);
      } catch (const std::exception& e) {
        out = {v1::RUN_FAILED, std::string("exception: ") + e.what()};
      } catch (...) {
        out = {v1::RUN_FAILED, "unknown exception"};
      }
      if (s.progress != nullptr) s.progress->end();  // whatever the collector did: the line goes
      std::int64_t end_mono = platform::monotonic_ns();
      // A deadline that passed while the collector ran cancels it, whatever else it reported.
      if ((out.status == v1::RUN_OK || out.status == v1::RUN_PARTIAL) && deadline > 0 &&
          end_mono >= deadline) {
        out = {v1::RUN_CANCELLED, "deadline"};
      }
      if (out.status == v1::RUN_OK) {
        bool failures = false;
        for (auto& [st, n] : sink.items_) failures = failures || (st != v1::ITEM_OK && n > 0);
        if (failures || sink.dropped_ > 0 || sink.limit_hit_) out.status = v1::RUN_PARTIAL;
      }
      if (sink.limit_hit_) out.detail += (out.detail.empty() ? "" : "; ") + std::string("record limit reached");
      run.set_status(out.status);
      run.set_status_detail(out.detail);
      run.set_end_utc_ns(platform::realtime_ns());
      run.set_end_monotonic_ns(end_mono);
      run.set_records_emitted(sink.emitted_);
      run.set_anomalies(sink.anomalies_);
      for (auto& [st, n] : sink.items_) {
        auto* c = run.add_items();
        c->set_status(static_cast<v1::ItemStatus>(st));
        c->set_count(n);
        result.item_counts[st] += n;
      }
      for (auto& [e, n] : sink.errors_) {
        auto* c = run.add_errors();
        c->set_errno_value(e);
        c->set_errno_name(platform::errno_name(e));
        c->set_count(n);
      }
      result.anomalies += sink.anomalies_;
    }
    // Skipped and never-started runs are recorded too: the stream alone says what was not collected.
    v1::Record rec;
    rec.set_utc_ns(platform::realtime_ns());
    *rec.mutable_collector_run() = run;
    writer.append(rec);
    if (s.on_run_end) s.on_run_end(run);
    result.runs.push_back(std::move(run));
  }
  stop_early(plan);
  emit_clock(writer, "end");
  if (writer.exhausted()) {
    result.reason = v1::OUTPUT_EXHAUSTED;
  } else if (s.interrupted != nullptr && s.interrupted->load()) {
    result.reason = v1::INTERRUPTED;
  } else if (std::any_of(result.runs.begin(), result.runs.end(),
                         [](const auto& r) { return r.status() == v1::RUN_CANCELLED; })) {
    // COMPLETE means every selected collector ran to its end (FORMAT.md §2.4); a collector cut
    // off by its own or the global deadline is not that.
    result.reason = v1::DEADLINE;
  }
  return result;
}

}  // namespace hozen::runner
