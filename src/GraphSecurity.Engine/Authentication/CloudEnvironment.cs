using System;
using System.Collections.Generic;

namespace GraphSecurity.Engine.Authentication
{
    /// <summary>The login host, Graph host and Graph scope of one cloud.</summary>
    public sealed class CloudEnvironment
    {
        public CloudEnvironment(string name, Uri loginEndpoint, Uri graphEndpoint, string graphResource)
        {
            Name = name;
            LoginEndpoint = loginEndpoint;
            GraphEndpoint = graphEndpoint;
            GraphResource = graphResource;
        }

        public string Name { get; }
        public Uri LoginEndpoint { get; }
        public Uri GraphEndpoint { get; }
        /// <summary>The resource whose ".default" scope app-only flows ask for.</summary>
        public string GraphResource { get; }
        public string DefaultScope => GraphResource.TrimEnd('/') + "/.default";
        public bool IsEmulator => Name == "Emulator";
        /// <summary>Clouds that are not one of Microsoft's (emulator, custom endpoints) are assumed to serve every API.</summary>
        public bool IsMicrosoftCloud => Named.ContainsKey(Name);

        /// <summary>Endpoints given by the caller, e.g. for a proxy or a sovereign cloud this module does not list.</summary>
        public static CloudEnvironment Custom(Uri loginEndpoint, Uri graphEndpoint, string graphResource) =>
            new CloudEnvironment("Custom", WithSlash(loginEndpoint), WithSlash(graphEndpoint), graphResource ?? graphEndpoint.GetLeftPart(UriPartial.Authority));

        private static Uri WithSlash(Uri uri) => uri.AbsoluteUri.EndsWith("/") ? uri : new Uri(uri.AbsoluteUri + "/");

        public static readonly CloudEnvironment Global = new CloudEnvironment("Global",
            new Uri("https://login.microsoftonline.com/"), new Uri("https://graph.microsoft.com/"), "https://graph.microsoft.com");
        public static readonly CloudEnvironment USGov = new CloudEnvironment("USGov",
            new Uri("https://login.microsoftonline.us/"), new Uri("https://graph.microsoft.us/"), "https://graph.microsoft.us");
        public static readonly CloudEnvironment USGovDoD = new CloudEnvironment("USGovDoD",
            new Uri("https://login.microsoftonline.us/"), new Uri("https://dod-graph.microsoft.us/"), "https://dod-graph.microsoft.us");
        public static readonly CloudEnvironment China = new CloudEnvironment("China",
            new Uri("https://login.chinacloudapi.cn/"), new Uri("https://microsoftgraph.chinacloudapi.cn/"), "https://microsoftgraph.chinacloudapi.cn");

        /// <summary>A local emulator serves both the login and the Graph paths; its tokens are for the global Graph resource.</summary>
        public static CloudEnvironment Emulator(Uri emulatorUrl) =>
            new CloudEnvironment("Emulator", WithSlash(emulatorUrl), WithSlash(emulatorUrl), Global.GraphResource);

        private static readonly Dictionary<string, CloudEnvironment> Named = new Dictionary<string, CloudEnvironment>(StringComparer.OrdinalIgnoreCase)
        {
            ["Global"] = Global, ["USGov"] = USGov, ["USGovDoD"] = USGovDoD, ["China"] = China,
        };

        public static CloudEnvironment FromName(string name) =>
            Named.TryGetValue(name, out var cloud) ? cloud : throw new ArgumentException($"Unknown environment '{name}'. Known: Global, USGov, USGovDoD, China, Emulator.");
    }
}
