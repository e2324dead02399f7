//! `reilu case …`: a case as the gate sees it, what an operator may change about it (holds,
//! refused channels, vulnerability, jurisdiction, limitation interruptions — each journaled
//! with who and why), and proposing an action on it through the one door.
//! `case show` opens the customer's personal data; that read is journaled first.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use chrono::{DateTime, NaiveDate, Utc};
use clap::{Args, Subcommand};
use reilu_app::App;
use reilu_app::case_facts::CaseRecord;
use reilu_core::Money;
use reilu_rules::explain::{explain_outcome, explain_outcome_json};
use reilu_rules::messages::Messages;
use reilu_rules::model::{Actor, Channel, Context, HoldKind, Proposal};
use reilu_store::{Execution, FactChanged, SqlStore};
use serde_json::json;

use crate::commands::print_json;
use crate::context::{Target, open_app};

#[derive(Subcommand)]
pub enum CaseCommand {
    /// The case with its customer's personal data, balance, holds, history and decisions.
    Show(ShowArgs),
    /// Place a hold: no collection while it runs (dispute, complaint, breathing space, …).
    Hold(HoldArgs),
    /// Release a hold: it no longer applies from --on (default today).
    ReleaseHold(ReleaseArgs),
    /// The customer refused a channel (or never consented to it): it is not used again.
    RefuseChannel(RefuseArgs),
    /// Flag the customer as vulnerable (or clear the flag with --clear).
    Vulnerable(VulnerableArgs),
    /// The part of the market whose law applies (ISO 3166-2, e.g. GB-SCT for Scotland).
    Jurisdiction(JurisdictionArgs),
    /// Record an acknowledgement of the debt or a court step: limitation counts anew.
    Interrupt(InterruptArgs),
    /// Decide a proposal against the stored case and, where allowed, carry it out.
    Propose(ProposeArgs),
}

#[derive(Args)]
pub struct ShowArgs {
    /// The case number (also the base of its payment references).
    number: i64,
    /// Who is reading, for the journal.
    #[arg(long)]
    reader: String,
    /// Why, for the journal.
    #[arg(long)]
    purpose: String,
    #[arg(long)]
    json: bool,
}

/// Who makes a change, for the journal (default: `cli:` and the login name).
#[derive(Args)]
pub struct ByArg {
    #[arg(long)]
    by: Option<String>,
}

impl ByArg {
    fn name(&self) -> String {
        self.by.clone().unwrap_or_else(|| {
            let user = std::env::var("USER").unwrap_or_else(|_| "operator".into());
            format!("cli:{user}")
        })
    }
}

#[derive(Args)]
pub struct HoldArgs {
    number: i64,
    /// dispute, complaint, vulnerability_pause, breathing_space, mental_health_crisis, death,
    /// insolvency.
    #[arg(long, value_parser = parse_hold_kind)]
    kind: HoldKind,
    /// First day it applies (YYYY-MM-DD; default today in the case's market).
    #[arg(long)]
    since: Option<NaiveDate>,
    /// Last day it applies (YYYY-MM-DD; default: until released).
    #[arg(long)]
    until: Option<NaiveDate>,
    #[arg(long)]
    reason: String,
    #[command(flatten)]
    by: ByArg,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct ReleaseArgs {
    number: i64,
    /// The hold's id (see `case show`).
    #[arg(long)]
    hold: i64,
    /// First day it no longer applies (default today in the case's market).
    #[arg(long)]
    on: Option<NaiveDate>,
    #[arg(long)]
    reason: String,
    #[command(flatten)]
    by: ByArg,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct RefuseArgs {
    number: i64,
    /// letter, email, sms, phone or visit.
    #[arg(value_parser = parse_channel)]
    channel: Channel,
    #[command(flatten)]
    by: ByArg,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct VulnerableArgs {
    number: i64,
    /// When the flag is to be reviewed (YYYY-MM-DD, after today).
    #[arg(long, required_unless_present = "clear", conflicts_with = "clear")]
    review_on: Option<NaiveDate>,
    /// Clear the flag.
    #[arg(long)]
    clear: bool,
    #[command(flatten)]
    by: ByArg,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct JurisdictionArgs {
    number: i64,
    code: String,
    #[command(flatten)]
    by: ByArg,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct InterruptArgs {
    number: i64,
    /// acknowledgement or court.
    #[arg(long)]
    kind: String,
    /// The day it happened (YYYY-MM-DD).
    #[arg(long)]
    on: NaiveDate,
    #[arg(long)]
    note: String,
    #[command(flatten)]
    by: ByArg,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct ProposeArgs {
    number: i64,
    /// The proposal as JSON: the `proposal` object of a `rules explain` scenario, or a whole
    /// scenario (its `case` is ignored: the stored case is used; its `context.actor` is who
    /// proposes, else an untrained agent named by --by).
    proposal: PathBuf,
    /// When it is decided (RFC 3339; default now).
    #[arg(long)]
    at: Option<DateTime<Utc>>,
    /// Explain in fi, sv or en.
    #[arg(long, default_value = "en")]
    lang: String,
    #[command(flatten)]
    by: ByArg,
    #[arg(long)]
    json: bool,
}

fn parse_hold_kind(text: &str) -> Result<HoldKind, String> {
    HoldKind::parse(text).ok_or_else(|| {
        let kinds: Vec<&str> = HoldKind::ALL.iter().map(|kind| kind.as_str()).collect();
        format!("one of {}", kinds.join(", "))
    })
}

fn parse_channel(text: &str) -> Result<Channel, String> {
    Channel::parse(text).ok_or_else(|| "one of letter, email, sms, phone, visit".into())
}

pub async fn run(target: &Target, command: CaseCommand) -> anyhow::Result<ExitCode> {
    let app = open_app(target).await?;
    match command {
        CaseCommand::Show(args) => show(&app, &args).await,
        CaseCommand::Hold(args) => {
            let changed = app
                .place_hold(
                    args.number,
                    args.kind,
                    args.since,
                    args.until,
                    &args.reason,
                    &args.by.name(),
                )
                .await?;
            report(args.json, "hold placed", &changed)
        }
        CaseCommand::ReleaseHold(args) => {
            let changed = app
                .release_hold(
                    args.number,
                    args.hold,
                    args.on,
                    &args.reason,
                    &args.by.name(),
                )
                .await?;
            report(args.json, "hold released", &changed)
        }
        CaseCommand::RefuseChannel(args) => {
            let changed = app
                .refuse_channel(args.number, args.channel, &args.by.name())
                .await?;
            report(args.json, "channel refused", &changed)
        }
        CaseCommand::Vulnerable(args) => {
            let changed = app
                .set_vulnerable(args.number, args.review_on, &args.by.name())
                .await?;
            report(args.json, "vulnerability flag set", &changed)
        }
        CaseCommand::Jurisdiction(args) => {
            let changed = app
                .set_jurisdiction(args.number, &args.code, &args.by.name())
                .await?;
            report(args.json, "jurisdiction set", &changed)
        }
        CaseCommand::Interrupt(args) => {
            let changed = app
                .record_interruption(
                    args.number,
                    args.on,
                    &args.kind,
                    &args.note,
                    &args.by.name(),
                )
                .await?;
            report(args.json, "limitation interruption recorded", &changed)
        }
        CaseCommand::Propose(args) => propose(&app, &args).await,
    }
}

fn report(as_json: bool, what: &str, changed: &FactChanged) -> anyhow::Result<ExitCode> {
    if as_json {
        print_json(&json!({
            "changed": changed.changed,
            "version": changed.version,
            "hold_id": changed.hold_id,
        }))?;
    } else if changed.changed {
        match changed.hold_id {
            Some(id) => println!("{what} (hold {id}); case version {}", changed.version),
            None => println!("{what}; case version {}", changed.version),
        }
    } else {
        println!("nothing to change: already so");
    }
    Ok(ExitCode::SUCCESS)
}

/// The proposal, and who proposes, from the file.
fn read_proposal(args: &ProposeArgs) -> anyhow::Result<(Proposal, Option<Actor>)> {
    let text = std::fs::read_to_string(&args.proposal)
        .with_context(|| format!("cannot read {}", args.proposal.display()))?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| format!("{} is not JSON", args.proposal.display()))?;
    let (proposal, actor) = match value.get("proposal") {
        Some(proposal) => (proposal.clone(), value.pointer("/context/actor").cloned()),
        None => (value, None),
    };
    let proposal: Proposal =
        serde_json::from_value(proposal).context("the proposal does not read")?;
    let actor = actor
        .map(serde_json::from_value::<Actor>)
        .transpose()
        .context("context.actor does not read")?;
    Ok((proposal, actor))
}

async fn propose(app: &App<SqlStore>, args: &ProposeArgs) -> anyhow::Result<ExitCode> {
    if !reilu_rules::messages::LANGUAGES.contains(&args.lang.as_str()) {
        anyhow::bail!("--lang must be one of fi, sv, en");
    }
    let (proposal, actor) = read_proposal(args)?;
    let actor = actor.unwrap_or(Actor::Agent {
        id: args.by.name(),
        vulnerability_trained: false,
        conflicted: false,
    });
    let context = Context {
        now: args.at.unwrap_or_else(Utc::now),
        actor,
    };
    let proposed = app.propose(args.number, &proposal, &context).await?;
    let messages = Messages::builtin()?;
    let (execution, carried_out) = execution_text(proposed.execution);
    if args.json {
        let mut value = explain_outcome_json(&proposed.outcome, &messages, &args.lang);
        if let Some(object) = value.as_object_mut() {
            object.insert("decision_id".into(), json!(proposed.decision_id));
            object.insert("case_version".into(), json!(proposed.version));
            object.insert("execution".into(), json!(execution));
            object.insert("posting_id".into(), json!(proposed.posting_id()));
        }
        print_json(&value)?;
    } else {
        print!(
            "{}",
            explain_outcome(&proposed.outcome, &messages, &args.lang)
        );
        println!(
            "Decision {} on case version {}: {execution}",
            proposed.decision_id, proposed.version
        );
    }
    Ok(if carried_out {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// What the executor did, in words, and whether the action was carried out.
fn execution_text(execution: Execution) -> (String, bool) {
    match execution {
        Execution::Executed {
            posting_id: Some(id),
        } => (format!("carried out (posting {id})"), true),
        Execution::Executed { posting_id: None } => ("carried out".into(), true),
        Execution::Denied => ("denied: nothing was done".into(), false),
        Execution::AlreadyRecorded => ("already recorded: nothing was done again".into(), false),
        Execution::Stale { version } => (
            format!("the case kept changing (now version {version}): nothing was done; try again"),
            false,
        ),
        Execution::AlreadyAccrued => (
            "interest for these days is accrued already: nothing was done".into(),
            false,
        ),
        Execution::NotExecutable => (
            "allowed, but Reilu cannot carry this action out yet: nothing was done".into(),
            false,
        ),
    }
}

async fn show(app: &App<SqlStore>, args: &ShowArgs) -> anyhow::Result<ExitCode> {
    let shown = app
        .read_case_customer(args.number, &args.reader, &args.purpose)
        .await?;
    let record = app.case_record(args.number).await?;
    if args.json {
        print_json(&show_json(&shown, &record))?;
        return Ok(ExitCode::SUCCESS);
    }
    let case = &shown.case;
    println!(
        "case {} ({}, {}), {} claim(s), version {}",
        case.case_number, case.market, case.status, case.claim_count, record.snapshot.version
    );
    println!("  reference      {}", shown.references.rf);
    if let Some(national) = &shown.references.national {
        println!("  national ref   {national}");
    }
    let customer = &shown.customer;
    println!(
        "customer ({}, language {})",
        customer.kind.as_str(),
        customer.language
    );
    println!("  id             {}", customer.national_id.peek());
    println!("  name           {}", customer.name.peek());
    println!(
        "  address        {}, {} {}, {}",
        customer.address.line1.peek(),
        customer.address.postcode.peek(),
        customer.address.city.peek(),
        customer.address.country
    );
    if let Some(email) = &customer.email {
        println!("  e-mail         {}", email.peek());
    }
    if let Some(phone) = &customer.phone {
        println!("  phone          {}", phone.peek());
    }
    print_record(&record);
    Ok(ExitCode::SUCCESS)
}

fn print_record(record: &CaseRecord) {
    let balance = &record.balance;
    let owed = balance.outstanding_by_component_minor;
    println!("balance                 charged      outstanding");
    for (name, charged, outstanding) in [
        ("principal", balance.principal_minor, owed[0]),
        ("interest", balance.interest_minor, owed[1]),
        ("collection costs", balance.collection_costs_minor, owed[2]),
        ("creditor fees", balance.creditor_fees_minor, owed[3]),
    ] {
        println!(
            "  {name:<18} {:>14} {:>14}",
            balance.money(charged),
            balance.money(outstanding)
        );
    }
    println!("  {:<18} {:>14}", "paid", balance.money(balance.paid_minor));
    println!(
        "  {:<18} {:>14} {:>14}",
        "outstanding",
        "",
        balance.money(balance.outstanding_minor)
    );
    let facts = &record.facts;
    let view = &record.snapshot.view;
    println!("holds");
    if facts.holds.is_empty() {
        println!("  none");
    }
    for hold in &facts.holds {
        println!(
            "  {} {} from {} to {} ({}; by {})",
            hold.id,
            hold.kind,
            hold.since,
            hold.until.as_deref().unwrap_or("release"),
            hold.reason,
            hold.placed_by
        );
    }
    if view.vulnerable {
        println!(
            "vulnerable: yes, review on {}",
            facts.vulnerability_review_on.as_deref().unwrap_or("-")
        );
    }
    if !facts.channels_refused.is_empty() {
        println!("channels refused: {}", facts.channels_refused.join(", "));
    }
    // The one the gate applies: an operator's setting, else what the claims say.
    if let Some(code) = &view.jurisdiction {
        println!("jurisdiction: {code}");
    }
    if let Some(day) = view.limitation_interrupted_on {
        println!("limitation last interrupted: {day}");
    }
    println!("contacts");
    if facts.contacts.is_empty() {
        println!("  none");
    }
    for contact in &facts.contacts {
        println!(
            "  {} {} ({}) {} by {}",
            instant(contact.at_ms),
            contact.channel,
            contact.purpose,
            contact.outcome,
            contact.actor
        );
    }
    println!("fees charged");
    if facts.charges.is_empty() {
        println!("  none");
    }
    for charge in &facts.charges {
        println!(
            "  {} {} {} (posting {})",
            instant(charge.at_ms),
            charge.kind,
            balance.money(charge.amount_minor),
            charge.posting_id
        );
    }
    print_decisions(record);
}

fn print_decisions(record: &CaseRecord) {
    println!("decisions (newest {})", record.decisions.len());
    let messages = Messages::builtin().ok();
    for row in &record.decisions {
        let decision: serde_json::Value =
            serde_json::from_str(&row.decision).unwrap_or(serde_json::Value::Null);
        let verdict = decision["verdict"].as_str().unwrap_or("?");
        let proposal = decision["proposal"].as_str().unwrap_or("?");
        let carried = if row.executed { ", carried out" } else { "" };
        println!(
            "  {} {proposal}: {verdict}{carried} (by {}, {})",
            instant(row.at_ms),
            row.actor,
            row.decision_id
        );
        let keys = decision["reasons"].as_array().cloned().unwrap_or_default();
        for reason in keys {
            let key = reason["message_key"].as_str().unwrap_or("");
            let rule = reason["rule_id"].as_str().unwrap_or("");
            let outcome = reason["outcome"].as_str().unwrap_or("");
            let params: Vec<(&str, &str)> = reason["params"]
                .as_object()
                .into_iter()
                .flatten()
                .filter_map(|(name, value)| Some((name.as_str(), value.as_str()?)))
                .collect();
            let text = messages.as_ref().map_or_else(
                || key.to_owned(),
                |messages| messages.render_key("en", key, &params),
            );
            println!("      {outcome} by {rule}: {text}");
        }
    }
}

fn instant(at_ms: i64) -> String {
    DateTime::from_timestamp_millis(at_ms).map_or_else(
        || at_ms.to_string(),
        |at| at.format("%Y-%m-%d %H:%M UTC").to_string(),
    )
}

fn show_json(shown: &reilu_app::cases::CaseWithCustomer, record: &CaseRecord) -> serde_json::Value {
    let case = &shown.case;
    let currency = reilu_core::Currency::parse(&case.currency).ok();
    let money = |minor: i64| currency.map(|c| Money::from_minor(minor, c).to_string());
    let facts = &record.facts;
    json!({
        "case_number": case.case_number,
        "market": case.market,
        "status": case.status,
        "version": record.snapshot.version,
        "reference": shown.references.rf,
        "customer": {
            "kind": shown.customer.kind.as_str(),
            "name": shown.customer.name.peek(),
        },
        "balance": record.balance,
        "outstanding": money(record.balance.outstanding_minor),
        "holds": facts.holds.iter().map(|h| json!({
            "id": h.id, "kind": h.kind, "since": h.since, "until": h.until,
            "reason": h.reason, "placed_by": h.placed_by, "released_by": h.released_by,
        })).collect::<Vec<_>>(),
        "vulnerable": record.snapshot.view.vulnerable,
        "vulnerability_review_on": facts.vulnerability_review_on,
        "channels_refused": facts.channels_refused,
        "jurisdiction": record.snapshot.view.jurisdiction,
        "limitation_interrupted_on": record.snapshot.view.limitation_interrupted_on,
        "contacts": facts.contacts.iter().map(|c| json!({
            "at_ms": c.at_ms, "channel": c.channel, "purpose": c.purpose,
            "outcome": c.outcome, "actor": c.actor,
        })).collect::<Vec<_>>(),
        "fees": facts.charges.iter().map(|c| json!({
            "at_ms": c.at_ms, "kind": c.kind, "amount_minor": c.amount_minor,
            "currency": c.currency, "posting_id": c.posting_id,
        })).collect::<Vec<_>>(),
        "decisions": record.decisions.iter().map(|d| json!({
            "decision_id": d.decision_id, "at_ms": d.at_ms, "actor": d.actor,
            "version": d.version, "executed": d.executed, "posting_id": d.posting_id,
            "decision": serde_json::from_str::<serde_json::Value>(&d.decision).unwrap_or_default(),
        })).collect::<Vec<_>>(),
    })
}
