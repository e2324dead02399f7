//! `reilu verify CODE`: check a message's verification code as `/verify` does;
//! `reilu message-key show|rotate`: the key that signs message commitments.

use std::process::ExitCode;

use clap::Subcommand;
use reilu_app::verify::Verification;

use crate::commands::print_json;
use crate::context::{Target, ensure_data_folder, open_app};

/// Checks a code; exit 1 when no message of ours has it.
pub async fn verify(target: &Target, code: &str, json: bool) -> anyhow::Result<ExitCode> {
    let app = open_app(target).await?;
    let answer = app.verify_code(code).await?;
    if json {
        print_json(&answer)?;
    } else {
        match &answer {
            Verification::Genuine {
                sent_at,
                channel,
                reference_end,
                amount,
            } => println!(
                "genuine: sent by {channel} at {sent_at}, reference ending {reference_end}, \
                 amount {amount}"
            ),
            Verification::Unknown => println!("unknown: no message of ours has this code"),
        }
    }
    Ok(match answer {
        Verification::Genuine { .. } => ExitCode::SUCCESS,
        Verification::Unknown => ExitCode::FAILURE,
    })
}

#[derive(Subcommand)]
pub enum MessageKeyCommand {
    /// The current signing key's id and public key (created on first use).
    Show,
    /// Make a new signing key and sign with it from now on; codes signed with older keys stay
    /// verifiable (their public keys are kept in the store).
    Rotate,
}

pub fn message_key(target: &Target, command: MessageKeyCommand) -> anyhow::Result<ExitCode> {
    ensure_data_folder(&target.data)?;
    let key = match command {
        MessageKeyCommand::Show => reilu_vault::load_or_create_message_key(&target.data)?,
        MessageKeyCommand::Rotate => reilu_vault::rotate_message_key(&target.data)?,
    };
    println!("key {} public {}", key.key_id(), key.public_key_hex());
    Ok(ExitCode::SUCCESS)
}
