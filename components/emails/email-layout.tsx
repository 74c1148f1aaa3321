import { Body, Container, Head, Hr, Html, Preview, Section, Text } from "@react-email/components";
import type { ReactNode } from "react";

/** The frame every Ledgerlink email shares: preview line, card, footer. */
export function EmailLayout({ preview, children }: { preview: string; children: ReactNode }) {
  return (
    <Html lang="en">
      <Head />
      <Preview>{preview}</Preview>
      <Body style={{ backgroundColor: "#f4f4f5", fontFamily: "system-ui, -apple-system, Segoe UI, sans-serif" }}>
        <Container style={{ maxWidth: 520, margin: "32px auto", backgroundColor: "#ffffff", borderRadius: 8, padding: 32 }}>
          <Text style={{ fontSize: 18, fontWeight: 700, margin: "0 0 16px" }}>Ledgerlink</Text>
          <Section>{children}</Section>
          <Hr style={{ borderColor: "#e4e4e7", margin: "24px 0 12px" }} />
          <Text style={{ fontSize: 12, color: "#71717a", margin: 0 }}>
            You receive this email because you have a Ledgerlink account.
          </Text>
        </Container>
      </Body>
    </Html>
  );
}

export const textStyle = { fontSize: 15, lineHeight: "24px", color: "#27272a" } as const;
export const buttonStyle = {
  backgroundColor: "#18181b",
  color: "#ffffff",
  borderRadius: 6,
  padding: "10px 18px",
  fontSize: 15,
  textDecoration: "none",
} as const;
