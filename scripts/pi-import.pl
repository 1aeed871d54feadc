#!/usr/bin/perl
# Imports .eml (or mboxrd) files into a public-inbox in one process, the way
# public-inbox's own test suite does (PublicInbox::TestCommon). No spam check, no
# MDA precheck, no emergency dir: for seeding test inboxes fast (~0.2 s for 6 mails).
# usage: PI_CONFIG=... perl pi-import.pl INBOX_NAME FILE...
use strict;
use warnings;
use PublicInbox::Config;
use PublicInbox::InboxWritable;
use PublicInbox::Eml;
use PublicInbox::MboxReader;

my $name = shift @ARGV or die "usage: pi-import.pl INBOX FILE...\n";
my $cfg = PublicInbox::Config->new;
my $ibx = $cfg->lookup_name($name) or die "no inbox named $name in $ENV{PI_CONFIG}\n";
$ibx = PublicInbox::InboxWritable->new($ibx);
$ibx->{-no_fsync} = 1;
my $im = $ibx->importer(0);
my $added = 0;
for my $file (@ARGV) {
  open my $fh, '<', $file or die "open $file: $!\n";
  my $first = <$fh>;
  seek $fh, 0, 0;
  if (defined $first && $first =~ /^From /) {
    PublicInbox::MboxReader->mboxrd($fh, sub { $added++ if $im->add(PublicInbox::Eml->new($_[0])) });
  } else {
    # Slurp in a nested scope: $/ must be back to "\n" before add(), which
    # reads line-oriented replies from git fast-import.
    my $raw = do { local $/; <$fh> };
    $added++ if $im->add(PublicInbox::Eml->new(\$raw));
  }
}
$im->done;
print "imported $added\n";
