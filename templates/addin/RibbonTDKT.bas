Attribute VB_Name = "RibbonTDKT"
' ASCII only: VBA stores module text in the project's ANSI code page.
' Ribbon callbacks of the TDKT tab (customUI.xml). Each one hands over to Python through
' xlwings' RunPython; the logic lives in addin.macros (tested headless on Linux).
Option Explicit

Sub KiemTra(control As IRibbonControl)
    RunPython "import addin.macros; addin.macros.kiem_tra()"
End Sub

Sub LapTongHop(control As IRibbonControl)
    RunPython "import addin.macros; addin.macros.lap_tong_hop()"
End Sub

Sub TongHopCum(control As IRibbonControl)
    RunPython "import addin.macros; addin.macros.tong_hop_cum()"
End Sub

Sub XepHangCum(control As IRibbonControl)
    RunPython "import addin.macros; addin.macros.xep_hang_cum()"
End Sub
