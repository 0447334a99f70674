using System;
using System.Runtime.InteropServices;
using System.Security;

namespace GraphSecurity.Engine.Authentication
{
    internal static class SecureStrings
    {
        /// <summary>The plain text of a SecureString, for handing to MSAL or an HTTP header at the last moment.</summary>
        public static string ToPlain(SecureString value)
        {
            if (value == null) return null;
            var pointer = IntPtr.Zero;
            try
            {
                pointer = Marshal.SecureStringToGlobalAllocUnicode(value);
                return Marshal.PtrToStringUni(pointer);
            }
            finally
            {
                if (pointer != IntPtr.Zero) Marshal.ZeroFreeGlobalAllocUnicode(pointer);
            }
        }
    }
}
