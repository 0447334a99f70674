namespace GraphSecurity;

// tiIndicator enumerations (reference §4.3). The JSON strings are these names in camelCase.

public enum TiAction { Unknown, Allow, Block, Alert, UnknownFutureValue }

public enum TlpLevel { Unknown, White, Green, Amber, Red, UnknownFutureValue }

public enum DiamondModel { Unknown, Adversary, Capability, Infrastructure, Victim, UnknownFutureValue }

public enum FileHashType { Unknown, Sha1, Sha256, Md5, AuthenticodeHash256, LsHash, Ctph, UnknownFutureValue }

/// <summary>threatType is a string on the wire; these names are its exact spelling.</summary>
public enum TiThreatType { Botnet, C2, CryptoMining, Darknet, DDoS, MaliciousUrl, Malware, Phishing, Proxy, PUA, WatchList }

/// <summary>Where an indicator goes. The wire strings are "Azure Sentinel" and "Microsoft Defender ATP".</summary>
public enum TiTargetProduct { AzureSentinel, MicrosoftDefenderAtp }

/// <summary>
/// What happened to one input of New-, Set-, Remove- or Sync-GsTiIndicator. Expired: the row's
/// expiration had passed, nothing was sent. Excluded: Sync-GsTiIndicator left it out to stay under
/// Defender for Endpoint's tenant cap.
/// </summary>
public enum TiIndicatorResultStatus { Created, Updated, Skipped, Removed, Failed, Expired, Excluded }

/// <summary>
/// The API threat indicators go to. DefenderForEndpoint: the Defender for Endpoint indicators API
/// (block, warn, audit or allow on devices). Sentinel: a workspace's threat intelligence, through the
/// STIX upload API. Graph: the beta tiIndicators API, removed by April 2026.
/// </summary>
public enum TiTarget { DefenderForEndpoint, Sentinel, Graph }
