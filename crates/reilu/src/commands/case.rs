//! `reilu case show NUMBER --reader WHO --purpose WHY`: a case with its customer's personal
//! data, for an operator allowed to see it. The read is journaled before anything is shown.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use reilu_core::Money;

use crate::context::{Target, open_app};

#[derive(Subcommand)]
pub enum CaseCommand {
    Show(ShowArgs),
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
}

pub async fn run(target: &Target, command: CaseCommand) -> anyhow::Result<ExitCode> {
    let CaseCommand::Show(args) = command;
    let app = open_app(target).await?;
    let shown = app
        .read_case_customer(args.number, &args.reader, &args.purpose)
        .await?;
    let case = &shown.case;
    let currency = reilu_core::Currency::parse(&case.currency)?;
    println!(
        "case {} ({}, {}), {} claim(s)",
        case.case_number, case.market, case.status, case.claim_count
    );
    println!(
        "  principal      {}",
        Money::from_minor(case.principal_minor, currency)
    );
    println!(
        "  creditor fees  {}",
        Money::from_minor(case.creditor_fees_minor, currency)
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
    Ok(ExitCode::SUCCESS)
}
