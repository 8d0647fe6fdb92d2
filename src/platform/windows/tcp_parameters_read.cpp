// Owns reading the TCP/IP parameters doctor weighs TIME_WAIT against from this Windows system: the registry and WMI.
#include "windows_headers.hpp"
#include <objbase.h>
#include <oleauto.h>
#include <wbemidl.h>

#include <chrono>
#include <mutex>
#include <optional>
#include <utility>

#include "tcp_parameters.hpp"

namespace tcpstat::win {

namespace {

// Releases a COM interface pointer at scope exit.
template <class T>
class ComPtr {
public:
    ~ComPtr() {
        if (p_ != nullptr) p_->Release();
    }
    T** out() { return &p_; }
    T* operator->() const { return p_; }
    T* get() const { return p_; }

private:
    T* p_ = nullptr;
};

std::optional<std::uint32_t> number_of(IWbemClassObject* row, const wchar_t* name) {
    VARIANT v;
    VariantInit(&v);
    std::optional<std::uint32_t> n;
    if (SUCCEEDED(row->Get(name, 0, &v, nullptr, nullptr))) {
        // CIM uint16 arrives as VT_I4 (WMI widens it); accept the unsigned forms too.
        if (v.vt == VT_I4 && v.lVal >= 0) n = static_cast<std::uint32_t>(v.lVal);
        else if (v.vt == VT_UI2) n = v.uiVal;
        else if (v.vt == VT_UI4) n = v.ulVal;
        else if (v.vt == VT_I2 && v.iVal >= 0) n = static_cast<std::uint32_t>(v.iVal);
    }
    VariantClear(&v);
    return n;
}

// The dynamic port range as `Get-NetTCPSetting -SettingName Internet` shows it: the documented
// MSFT_NetTCPSetting class (root\StandardCimv2), the source netsh and PowerShell read. The
// Internet template is the one ordinary connections use. nullopt when WMI or the class is not
// there (Wine has no MSFT_NetTCPSetting).
std::optional<std::pair<std::uint32_t, std::uint32_t>> wmi_dynamic_range() {
    const HRESULT init = CoInitializeEx(nullptr, COINIT_MULTITHREADED);
    if (FAILED(init) && init != RPC_E_CHANGED_MODE) return std::nullopt;
    std::optional<std::pair<std::uint32_t, std::uint32_t>> range;
    {
        ComPtr<IWbemLocator> locator;
        ComPtr<IWbemServices> services;
        ComPtr<IEnumWbemClassObject> rows;
        BSTR ns = SysAllocString(L"ROOT\\StandardCimv2");
        BSTR wql = SysAllocString(L"WQL");
        BSTR query = SysAllocString(
            L"SELECT DynamicPortRangeStartPort, DynamicPortRangeNumberOfPorts FROM MSFT_NetTCPSetting "
            L"WHERE SettingName = 'Internet'");
        if (SUCCEEDED(CoCreateInstance(CLSID_WbemLocator, nullptr, CLSCTX_INPROC_SERVER, IID_IWbemLocator,
                                       reinterpret_cast<void**>(locator.out()))) &&
            SUCCEEDED(locator->ConnectServer(ns, nullptr, nullptr, nullptr, 0, nullptr, nullptr, services.out())) &&
            SUCCEEDED(CoSetProxyBlanket(services.get(), RPC_C_AUTHN_WINNT, RPC_C_AUTHZ_NONE, nullptr,
                                        RPC_C_AUTHN_LEVEL_CALL, RPC_C_IMP_LEVEL_IMPERSONATE, nullptr, EOAC_NONE)) &&
            SUCCEEDED(services->ExecQuery(wql, query, WBEM_FLAG_FORWARD_ONLY | WBEM_FLAG_RETURN_IMMEDIATELY, nullptr,
                                          rows.out()))) {
            ComPtr<IWbemClassObject> row;
            ULONG got = 0;
            constexpr long kTimeoutMs = 5000;  // a stuck WMI service must not hang doctor
            if (rows->Next(kTimeoutMs, 1, row.out(), &got) == WBEM_S_NO_ERROR && got == 1) {
                const auto start = number_of(row.get(), L"DynamicPortRangeStartPort");
                const auto count = number_of(row.get(), L"DynamicPortRangeNumberOfPorts");
                if (start && count) range = std::pair(*start, *count);
            }
        }
        SysFreeString(query);
        SysFreeString(wql);
        SysFreeString(ns);
    }
    if (SUCCEEDED(init)) CoUninitialize();
    return range;
}

}  // namespace

TcpParameters system_tcp_parameters() {
    TcpParameters p;
    DWORD value = 0;
    DWORD size = sizeof value;
    if (RegGetValueW(HKEY_LOCAL_MACHINE, L"SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters",
                     L"TcpTimedWaitDelay", RRF_RT_REG_DWORD, nullptr, &value, &size) == ERROR_SUCCESS)
        p.time_wait_delay_s = value;
    static std::mutex guard;  // serve may collect from more than one thread
    static RangeCache cache;
    RangeCache::Range cached;
    {
        const std::lock_guard<std::mutex> lock(guard);
        cached = cache.get(std::chrono::steady_clock::now(), wmi_dynamic_range);
    }
    if (const auto& range = cached) {
        p.dynamic_start = range->first;
        p.dynamic_count = range->second;
    }
    return p;
}

}  // namespace tcpstat::win
